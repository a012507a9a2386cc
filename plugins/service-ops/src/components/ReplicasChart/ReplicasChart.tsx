import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { ScalingSample } from '@internal/backstage-plugin-service-ops-common';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { formatTime, TimeSpan, timeAxis } from '../../lib/timeAxis';

/** Desired and ready replicas over time, against the HPA's min and max. */
export function ReplicasChart(props: {
  /** Undefined while the history is not loaded. */
  samples?: ScalingSample[];
  /** For screen readers: "content-builder in us". */
  label: string;
  /** The history's window; the samples' range when absent. */
  span?: TimeSpan;
}) {
  const theme = useTheme();
  const data = (props.samples ?? []).map(s => ({
    time: Date.parse(s.at),
    desired: s.desired,
    ready: s.ready,
    min: s.min,
    max: s.max,
  }));
  const axis = theme.palette.text.secondary;
  const time = timeAxis(
    props.span,
    data.map(d => d.time),
  );
  return (
    <Stack flex={1} minWidth={280}>
      <Typography variant="subtitle2">Replicas</Typography>
      {data.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {props.samples
            ? 'No samples in this window yet.'
            : 'No history loaded.'}
        </Typography>
      ) : (
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={data} aria-label={`replicas of ${props.label}`}>
            <CartesianGrid
              strokeDasharray="3 3"
              stroke={theme.palette.divider}
            />
            <XAxis
              dataKey="time"
              type="number"
              scale="time"
              {...time}
              stroke={axis}
            />
            <YAxis allowDecimals={false} stroke={axis} width={32} />
            <Tooltip
              labelFormatter={value => formatTime(Number(value), true)}
              contentStyle={{
                background: theme.palette.background.paper,
                borderColor: theme.palette.divider,
                color: theme.palette.text.primary,
              }}
            />
            <Legend />
            <Line
              type="stepAfter"
              dataKey="desired"
              stroke={theme.palette.primary.main}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              type="stepAfter"
              dataKey="ready"
              stroke={theme.palette.success.main}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              type="stepAfter"
              dataKey="min"
              stroke={theme.palette.text.disabled}
              strokeDasharray="4 4"
              dot={false}
              isAnimationActive={false}
            />
            <Line
              type="stepAfter"
              dataKey="max"
              stroke={theme.palette.error.main}
              strokeDasharray="4 4"
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </Stack>
  );
}
