import type {
  ClusterState,
  ContainerSnapshot,
  HealthLevel,
} from '@internal/backstage-plugin-service-ops-common';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { useTheme } from '@mui/material/styles';
import { HEALTH_LABELS, healthColor } from '../../lib/healthColors';

function HealthDot(props: { level: HealthLevel }) {
  const theme = useTheme();
  return (
    <Box
      component="span"
      sx={{
        display: 'inline-block',
        width: 10,
        height: 10,
        borderRadius: '50%',
        bgcolor: healthColor(theme, props.level),
      }}
    />
  );
}

/** Ready of desired replicas of each container in each region, with health. */
export function ContainersOverview(props: {
  containers: ContainerSnapshot[];
  clusters: ClusterState[];
}) {
  const { containers, clusters } = props;
  return (
    <Table size="small" aria-label="replicas by region">
      <TableHead>
        <TableRow>
          <TableCell>Container</TableCell>
          {clusters.map(cluster => (
            <TableCell key={cluster.name}>{cluster.name}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {containers.map(container => (
          <TableRow key={container.container}>
            <TableCell component="th" scope="row">
              {container.entityRef ? (
                <EntityRefLink
                  entityRef={container.entityRef}
                  title={container.container}
                  hideIcon
                />
              ) : (
                container.container
              )}
              {!container.declared && (
                <Typography
                  variant="caption"
                  color="text.secondary"
                  display="block"
                >
                  not declared
                </Typography>
              )}
            </TableCell>
            {clusters.map(cluster => {
              const region = container.regions.find(
                r => r.cluster === cluster.name,
              );
              const workload = region?.workload;
              return (
                <TableCell key={cluster.name}>
                  {region && workload ? (
                    <Stack direction="row" spacing={1} alignItems="center">
                      <HealthDot level={region.health.level} />
                      <span>
                        {workload.ready}/{workload.desired} ready
                      </span>
                      <Typography variant="caption" color="text.secondary">
                        {HEALTH_LABELS[region.health.level]}
                      </Typography>
                    </Stack>
                  ) : (
                    <Typography variant="body2" color="text.secondary">
                      not deployed
                    </Typography>
                  )}
                </TableCell>
              );
            })}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
