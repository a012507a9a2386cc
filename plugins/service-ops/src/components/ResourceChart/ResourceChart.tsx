import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { useTheme } from '@mui/material/styles';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { DeclaredContainer } from '@internal/backstage-plugin-service-ops-common';

const GIB = 2 ** 30;

/**
 * Requests against limits per container, CPU in cores and memory in GiB, so that the
 * headroom each container is given reads at a glance.
 */
export function ResourceChart({
  containers,
}: {
  containers: DeclaredContainer[];
}) {
  const theme = useTheme();
  const declared = containers.filter(c => c.resources);
  const missing = containers.filter(c => !c.resources).map(c => c.container);
  if (declared.length === 0) return null;
  const data = declared.map(c => ({
    name: c.container,
    cpuRequest: c.resources!.cpu.request.value,
    cpuLimit: c.resources!.cpu.limit.value,
    memoryRequest: Number((c.resources!.memory.request.value / GIB).toFixed(3)),
    memoryLimit: Number((c.resources!.memory.limit.value / GIB).toFixed(3)),
  }));
  const height = 40 + data.length * 36;
  const chart = (title: string, unit: string, keys: [string, string]) => (
    <Stack flex={1} minWidth={280}>
      <Typography variant="subtitle2">{title}</Typography>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ left: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" unit={unit} />
          <YAxis type="category" dataKey="name" width={160} />
          <Tooltip />
          <Legend />
          <Bar
            dataKey={keys[0]}
            name="request"
            fill={theme.palette.primary.main}
          />
          <Bar
            dataKey={keys[1]}
            name="limit"
            fill={theme.palette.secondary.main}
          />
        </BarChart>
      </ResponsiveContainer>
    </Stack>
  );
  return (
    <Stack spacing={1}>
      <Stack direction="row" spacing={3} flexWrap="wrap" useFlexGap>
        {chart('CPU (cores)', '', ['cpuRequest', 'cpuLimit'])}
        {chart('Memory (GiB)', '', ['memoryRequest', 'memoryLimit'])}
      </Stack>
      {missing.length > 0 && (
        <Typography variant="caption" color="text.secondary">
          Not charted, no requests or limits declared: {missing.join(', ')}
        </Typography>
      )}
    </Stack>
  );
}
