import type {
  ContainerRegionState,
  LivePdb,
  LiveRolloutState,
  LiveWorkload,
} from '@internal/backstage-plugin-service-ops-common';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { formatAge } from '../../lib/formatAge';

/** "Deployment content-builder: 3 of 5 ready, 3 available, 5 updated (RollingUpdate)". */
export function describeWorkload(workload: LiveWorkload): string {
  return `${workload.kind} ${workload.name}: ${workload.ready} of ${
    workload.desired
  } ready, ${workload.available} available, ${workload.updated} updated${
    workload.strategy ? ` (${workload.strategy})` : ''
  }`;
}

/** "canary at step 2 of 4, weight 25%, paused: CanaryPauseStep (10 min ago)". */
export function describeRollout(
  rollout: LiveRolloutState,
  now: number,
): string {
  const parts = [rollout.strategy === 'canary' ? 'canary' : 'blue/green'];
  if (rollout.currentStepIndex !== undefined && rollout.steps !== undefined) {
    parts[0] += ` at step ${rollout.currentStepIndex} of ${rollout.steps}`;
  }
  if (rollout.weight !== undefined) parts.push(`weight ${rollout.weight}%`);
  if (rollout.phase && !(rollout.paused && rollout.phase === 'Paused')) {
    parts.push(rollout.phase);
  }
  let text = parts.join(', ');
  if (rollout.aborted) text += ', aborted';
  if (rollout.paused) {
    text += `, paused${rollout.pauseReason ? `: ${rollout.pauseReason}` : ''}`;
    if (rollout.pausedSince)
      text += ` (${formatAge(rollout.pausedSince, now)})`;
  }
  if (rollout.message && rollout.message !== rollout.pauseReason) {
    text += ` — ${rollout.message}`;
  }
  return text;
}

/** "PDB content-api: 1 disruption allowed (3 healthy, 2 required)". */
export function describePdb(pdb: LivePdb): string {
  const allowed = `${pdb.disruptionsAllowed} disruption${
    pdb.disruptionsAllowed === 1 ? '' : 's'
  } allowed`;
  return `PDB ${pdb.name}: ${allowed} (${pdb.currentHealthy} healthy, ${pdb.desiredHealthy} required)`;
}

function rolloutColor(rollout: LiveRolloutState): string {
  if (rollout.aborted) return 'error.main';
  if (rollout.paused) return 'warning.main';
  return 'text.primary';
}

/** The workload in one region: replicas, strategy, rollout progress, PDB. */
export function WorkloadStatus(props: {
  region: ContainerRegionState;
  now: number;
}) {
  const { workload, pdb } = props.region;
  if (!workload) {
    return (
      <Typography color="text.secondary">
        No workload in {props.region.cluster}.
      </Typography>
    );
  }
  return (
    <Stack spacing={0.5}>
      <Typography variant="body2">{describeWorkload(workload)}</Typography>
      {workload.rollout && (
        <Typography variant="body2" color={rolloutColor(workload.rollout)}>
          Rollout: {describeRollout(workload.rollout, props.now)}
        </Typography>
      )}
      {pdb && (
        <Typography
          variant="body2"
          color={pdb.disruptionsAllowed === 0 ? 'warning.main' : 'text.primary'}
        >
          {describePdb(pdb)}
        </Typography>
      )}
    </Stack>
  );
}
