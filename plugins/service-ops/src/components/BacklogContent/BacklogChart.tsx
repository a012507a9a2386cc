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
import type { BacklogHistory } from '@internal/backstage-plugin-service-ops-common';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { formatTime, timeAxis } from '../../lib/timeAxis';

/** Each consumer's backlog in items over the history's window, one line each. */
export function BacklogChart(props: { history: BacklogHistory }) {
  const { history } = props;
  const theme = useTheme();
  const colours = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success.main,
    theme.palette.warning.main,
    theme.palette.info.main,
    theme.palette.error.main,
  ];
  const series = history.consumers.map(c => ({
    name: `${c.consumer} in ${c.region ?? c.stream}`,
    data: c.points.map(p => ({
      time: Date.parse(p.at),
      items: p.backlog * c.itemsPerMessage,
    })),
  }));
  if (series.every(s => s.data.length === 0)) {
    return (
      <Typography variant="body2" color="text.secondary">
        No samples in this window yet.
      </Typography>
    );
  }
  const axis = theme.palette.text.secondary;
  const time = timeAxis(
    { from: Date.parse(history.from), to: Date.parse(history.to) },
    series.flatMap(s => s.data.map(d => d.time)),
  );
  return (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart aria-label="backlog over time">
        <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
        <XAxis
          dataKey="time"
          type="number"
          scale="time"
          allowDuplicatedCategory={false}
          {...time}
          stroke={axis}
        />
        <YAxis allowDecimals={false} stroke={axis} width={48} />
        <Tooltip
          labelFormatter={value => formatTime(Number(value), true)}
          contentStyle={{
            background: theme.palette.background.paper,
            borderColor: theme.palette.divider,
            color: theme.palette.text.primary,
          }}
        />
        <Legend />
        {series.map((s, i) => (
          <Line
            key={s.name}
            name={s.name}
            data={s.data}
            dataKey="items"
            type="stepAfter"
            stroke={colours[i % colours.length]}
            dot={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
