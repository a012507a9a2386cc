import { InfoCard } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ContainerSnapshot,
  DeclaredContainer,
  DriftFinding,
  HealthLevel,
  ScalingSample,
} from '@internal/backstage-plugin-service-ops-common';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Divider from '@mui/material/Divider';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { HEALTH_LABELS } from '../../lib/healthColors';
import { PodsTable } from '../PodsTable';
import { ScalingView } from '../ScalingView';
import { WarningEvents } from '../WarningEvents';
import { WorkloadStatus } from '../WorkloadStatus';
import { TimeSpan } from '../../lib/timeAxis';

const CHIP_COLORS: Record<
  HealthLevel,
  'success' | 'warning' | 'error' | 'default'
> = {
  healthy: 'success',
  degraded: 'warning',
  down: 'error',
  unknown: 'default',
};

/**
 * One container in each selected region: workload and rollout state, scaling (HPA
 * in words and charts), pods, PDB and recent warnings.
 */
export function ContainerCard(props: {
  container: ContainerSnapshot;
  declared?: DeclaredContainer;
  drift: DriftFinding[];
  /** This container's history samples; undefined while none are loaded. */
  samples?: ScalingSample[];
  /** The history's window. */
  span?: TimeSpan;
  now: number;
}) {
  const { container, declared, drift, samples, now } = props;
  const scaling = declared?.scaling;
  let subheader =
    'Runs in the cluster but the topology document does not declare it';
  if (scaling) {
    subheader = `Declared: ${scaling.min} to ${scaling.max} replicas, scaling on ${scaling.text}`;
  } else if (container.declared) {
    subheader = 'The topology document declares no scaling';
  }
  return (
    <InfoCard title={container.container} subheader={subheader}>
      <Stack spacing={3} divider={<Divider flexItem />}>
        {container.entityRef && (
          <Typography variant="body2">
            Catalog entity:{' '}
            <EntityRefLink entityRef={container.entityRef} hideIcon />
          </Typography>
        )}
        {container.regions.length === 0 && (
          <Typography color="text.secondary">
            Not running in the selected region.
          </Typography>
        )}
        {container.regions.map(region => {
          const label = `${container.container} in ${region.cluster}`;
          return (
            <Box component="section" aria-label={label} key={region.cluster}>
              <Stack spacing={2}>
                <Stack direction="row" spacing={1} alignItems="center">
                  <Typography variant="h6" component="h3">
                    {region.cluster}
                  </Typography>
                  <Chip
                    size="small"
                    color={CHIP_COLORS[region.health.level]}
                    label={HEALTH_LABELS[region.health.level]}
                  />
                  {region.health.reasons.length > 0 && (
                    <Typography variant="body2" color="text.secondary">
                      {region.health.reasons.join('; ')}
                    </Typography>
                  )}
                </Stack>
                {region.workload ? (
                  <>
                    <WorkloadStatus region={region} now={now} />
                    <ScalingView
                      container={container.container}
                      region={region}
                      declared={scaling}
                      drift={drift}
                      samples={samples?.filter(
                        s => s.cluster === region.cluster,
                      )}
                      span={props.span}
                    />
                    <PodsTable pods={region.pods} label={label} now={now} />
                  </>
                ) : (
                  <Typography color="text.secondary">
                    Not deployed in {region.cluster}.
                  </Typography>
                )}
                <WarningEvents events={region.warnings} now={now} />
              </Stack>
            </Box>
          );
        })}
      </Stack>
    </InfoCard>
  );
}
