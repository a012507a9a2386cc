import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { OperationStep } from '@internal/backstage-plugin-service-ops-common';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { formatTime, timeAxis } from '../../lib/timeAxis';

type Series = NonNullable<OperationStep['series']>;

/**
 * A figure a step follows over time (the sessions left on the notified pods during the
 * notice) as a small chart, with its first and last values in words.
 */
export function StepSeriesChart(props: { series: Series }) {
  const { series } = props;
  const theme = useTheme();
  const data = series.points.map(p => ({
    time: Date.parse(p.at),
    value: p.value,
  }));
  if (data.length === 0) return null;
  const first = data[0];
  const last = data[data.length - 1];
  const axis = theme.palette.text.secondary;
  return (
    <Box sx={{ mt: 1 }}>
      <Typography variant="caption" color="text.secondary">
        {series.label}: {first.value} at {formatTime(first.time, true)}
        {data.length > 1
          ? `, ${last.value} at ${formatTime(last.time, true)}`
          : ''}
      </Typography>
      {data.length > 1 && (
        <ResponsiveContainer width="100%" height={96}>
          <LineChart data={data} aria-label={`${series.label} over time`}>
            <CartesianGrid
              strokeDasharray="3 3"
              stroke={theme.palette.divider}
            />
            <XAxis
              dataKey="time"
              type="number"
              scale="time"
              {...timeAxis(
                undefined,
                data.map(d => d.time),
              )}
              stroke={axis}
            />
            <YAxis allowDecimals={false} stroke={axis} width={40} />
            <Tooltip
              labelFormatter={value => formatTime(Number(value), true)}
              formatter={value => [value, series.label]}
              contentStyle={{
                background: theme.palette.background.paper,
                borderColor: theme.palette.divider,
                color: theme.palette.text.primary,
              }}
            />
            <Line
              dataKey="value"
              type="monotone"
              stroke={theme.palette.primary.main}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </Box>
  );
}
