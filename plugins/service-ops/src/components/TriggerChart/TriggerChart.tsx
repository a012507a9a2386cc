import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type {
  DeclaredTrigger,
  LiveHpaMetric,
  ScalingSample,
} from '@internal/backstage-plugin-service-ops-common';
import { describeTrigger } from '@internal/backstage-plugin-service-ops-common';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { formatTime, TimeSpan, timeAxis } from '../../lib/timeAxis';

const UNITS: Record<LiveHpaMetric['targetType'], string> = {
  Utilization: '% of request',
  AverageValue: ' per pod',
  Value: ' in total',
};

/**
 * One HPA metric over time against the target the cluster's HPA uses, and against
 * the document's threshold when that differs.
 */
export function TriggerChart(props: {
  metric: LiveHpaMetric;
  samples?: ScalingSample[];
  declared?: DeclaredTrigger;
  /** The history's window; the samples' range when absent. */
  span?: TimeSpan;
}) {
  const { metric, samples, declared } = props;
  const theme = useTheme();
  const data = (samples ?? [])
    .filter(s => typeof s.metrics[metric.name] === 'number')
    .map(s => ({ time: Date.parse(s.at), current: s.metrics[metric.name] }));
  const differs = !!declared && declared.threshold !== metric.target;
  const axis = theme.palette.text.secondary;
  const time = timeAxis(
    props.span,
    data.map(d => d.time),
  );
  return (
    <Stack flex={1} minWidth={280} spacing={0.5}>
      <Typography variant="subtitle2">{metric.name}</Typography>
      <Typography variant="body2">
        Now {metric.current ?? 'unknown'}, target {metric.target}
        {UNITS[metric.targetType]} ({metric.type} metric)
      </Typography>
      {declared && (
        <Typography
          variant="body2"
          color={differs ? 'warning.main' : 'text.secondary'}
        >
          {differs
            ? `Declared threshold ${
                declared.threshold
              } differs from the cluster's target ${
                metric.target
              }: ${describeTrigger(declared)}`
            : `As declared: ${describeTrigger(declared)}`}
        </Typography>
      )}
      {data.length > 0 && (
        <ResponsiveContainer width="100%" height={150}>
          <LineChart
            data={data}
            aria-label={`${metric.name} against its target`}
          >
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
            <YAxis stroke={axis} width={40} />
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
              dataKey="current"
              stroke={theme.palette.primary.main}
              dot={false}
              isAnimationActive={false}
            />
            <ReferenceLine
              y={metric.target}
              stroke={theme.palette.error.main}
              strokeDasharray="4 4"
              label={{
                value: 'target',
                fill: axis,
                position: 'insideTopRight',
              }}
            />
            {differs && (
              <ReferenceLine
                y={declared!.threshold}
                stroke={theme.palette.warning.main}
                strokeDasharray="2 2"
                label={{
                  value: 'declared',
                  fill: axis,
                  position: 'insideBottomRight',
                }}
              />
            )}
          </LineChart>
        </ResponsiveContainer>
      )}
    </Stack>
  );
}
