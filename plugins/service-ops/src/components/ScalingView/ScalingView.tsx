import type {
  ContainerRegionState,
  DeclaredScaling,
  DriftFinding,
  LiveHpa,
  ScalingSample,
} from '@internal/backstage-plugin-service-ops-common';
import { describeTrigger } from '@internal/backstage-plugin-service-ops-common';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { describeDrift, findDrift } from '../../lib/describeDrift';
import { matchTrigger, unmatchedTriggers } from '../../lib/matchTrigger';
import { ReplicasChart } from '../ReplicasChart';
import { TriggerChart } from '../TriggerChart';
import { TimeSpan } from '../../lib/timeAxis';

/** "3 replicas now; the HPA wants 5, between 2 and 30." */
export function describeHpa(hpa: LiveHpa): string {
  const wants =
    hpa.desired === hpa.current
      ? `the HPA keeps ${hpa.desired}`
      : `the HPA wants ${hpa.desired}`;
  return `${hpa.current} replica${
    hpa.current === 1 ? '' : 's'
  } now; ${wants}, between ${hpa.min} and ${hpa.max}.`;
}

function HpaSummary(props: { hpa: LiveHpa; drift: DriftFinding[] }) {
  const { hpa, drift } = props;
  return (
    <Stack spacing={0.5}>
      <Typography variant="body2" color="text.secondary">
        HPA {hpa.name}
        {hpa.scaledObject
          ? `, made by the KEDA ScaledObject ${
              hpa.scaledObject.name
            } (${hpa.scaledObject.triggers.map(t => t.type).join(', ')})`
          : ''}
      </Typography>
      <Typography>{describeHpa(hpa)}</Typography>
      {drift.map(finding => (
        <Typography key={finding.kind} color="warning.main" variant="body2">
          Drift: {describeDrift(finding)}
        </Typography>
      ))}
      {hpa.explanation.length > 0 && (
        <Stack component="ul" spacing={0.25} sx={{ m: 0, pl: 3 }}>
          {hpa.explanation.map(line => (
            <Typography component="li" variant="body2" key={line}>
              {line}
            </Typography>
          ))}
        </Stack>
      )}
    </Stack>
  );
}

/**
 * One container's scaling in one region: the HPA in words, replicas over the window
 * against min and max, and one chart per HPA metric against its target (and the
 * declared threshold when that differs).
 */
export function ScalingView(props: {
  container: string;
  region: ContainerRegionState;
  declared?: DeclaredScaling;
  drift: DriftFinding[];
  /** This container's samples in this region, oldest first; undefined until loaded. */
  samples?: ScalingSample[];
  /** The history's window. */
  span?: TimeSpan;
}) {
  const { container, region, declared, samples } = props;
  const { hpa, workload } = region;
  const drift = findDrift(props.drift, {
    container,
    cluster: region.cluster,
    kinds: ['min', 'max', 'trigger', 'threshold'],
  });
  const label = `${container} in ${region.cluster}`;
  const triggers = declared?.triggers ?? [];
  const missing = hpa ? unmatchedTriggers(hpa.metrics, triggers) : [];
  return (
    <Stack spacing={2}>
      {hpa ? (
        <HpaSummary hpa={hpa} drift={drift} />
      ) : (
        <Stack spacing={0.5}>
          <Typography>
            No HPA:{' '}
            {workload ? `fixed at ${workload.desired} replicas` : 'not running'}
            .
          </Typography>
          {declared && (
            <Typography variant="body2" color="warning.main">
              The document declares {declared.min} to {declared.max} replicas
              scaling on {declared.text}.
            </Typography>
          )}
          {drift.map(finding => (
            <Typography key={finding.kind} color="warning.main" variant="body2">
              Drift: {describeDrift(finding)}
            </Typography>
          ))}
        </Stack>
      )}
      <Stack direction="row" spacing={3} flexWrap="wrap" useFlexGap>
        <ReplicasChart samples={samples} label={label} span={props.span} />
        {hpa?.metrics.map(metric => (
          <TriggerChart
            key={metric.name}
            metric={metric}
            samples={samples}
            declared={matchTrigger(metric, triggers)}
            span={props.span}
          />
        ))}
      </Stack>
      {missing.length > 0 && (
        <Typography variant="body2" color="warning.main">
          Declared but not in the HPA: {missing.map(describeTrigger).join('; ')}
        </Typography>
      )}
    </Stack>
  );
}
