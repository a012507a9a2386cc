import {
  ClusterState,
  ContainerRegionState,
  Health,
  HealthLevel,
} from './types';

const ORDER: HealthLevel[] = ['healthy', 'unknown', 'degraded', 'down'];

/** Restarts at or above which a pod counts as crash-looping. */
export const RESTART_WARNING = 5;

/** The worse of the levels. */
export function worstLevel(levels: HealthLevel[]): HealthLevel {
  return levels.reduce<HealthLevel>(
    (worst, level) =>
      ORDER.indexOf(level) > ORDER.indexOf(worst) ? level : worst,
    'healthy',
  );
}

/** Combines healths: the worst level, every reason. */
export function combineHealth(healths: Health[]): Health {
  if (healths.length === 0) return { level: 'unknown', reasons: ['no data'] };
  return {
    level: worstLevel(healths.map(h => h.level)),
    reasons: healths.flatMap(h => h.reasons),
  };
}

/**
 * How one container is doing in one region, from what the cluster reports:
 * - down: declared but not deployed, no ready pod while some are desired, a degraded rollout;
 * - degraded: fewer ready than desired, crash-looping or OOM-killed pods, an HPA held at its
 *   max or unable to read its metrics, an aborted or paused rollout;
 * - unknown: the cluster's data is not current (its watch is failing or still syncing);
 * - healthy: none of the above.
 */
export function classifyRegion(
  state: Pick<ContainerRegionState, 'cluster' | 'workload' | 'pods' | 'hpa'>,
  cluster: ClusterState | undefined,
  declared: boolean,
): Health {
  const reasons: Array<[HealthLevel, string]> = [];
  if (!cluster || cluster.status === 'syncing') {
    return { level: 'unknown', reasons: [`${state.cluster}: not synced yet`] };
  }
  const { workload, pods, hpa } = state;
  if (!workload) {
    if (declared) reasons.push(['down', 'declared but not deployed']);
  } else {
    const live = pods.filter(p => !p.terminating);
    const ready = live.filter(p => p.ready).length;
    if (workload.desired > 0 && ready === 0) {
      reasons.push(['down', `no ready pods (0/${workload.desired})`]);
    } else if (ready < workload.desired) {
      reasons.push(['degraded', `${ready}/${workload.desired} pods ready`]);
    }
    for (const pod of live) {
      if (pod.lastTerminationReason === 'OOMKilled') {
        reasons.push(['degraded', `${pod.name} was OOMKilled`]);
      } else if (pod.restarts >= RESTART_WARNING) {
        reasons.push([
          'degraded',
          `${pod.name} restarted ${pod.restarts} times`,
        ]);
      }
    }
    const rollout = workload.rollout;
    if (rollout?.phase === 'Degraded') {
      reasons.push([
        'down',
        `rollout degraded${rollout.message ? `: ${rollout.message}` : ''}`,
      ]);
    } else if (rollout?.aborted) {
      reasons.push(['degraded', 'rollout aborted; running the stable version']);
    }
  }
  if (hpa) {
    const limited = hpa.conditions.find(c => c.type === 'ScalingLimited');
    if (limited?.status === 'True' && limited.reason === 'TooManyReplicas') {
      reasons.push(['degraded', `autoscaler at max replicas (${hpa.max})`]);
    }
    const active = hpa.conditions.find(c => c.type === 'ScalingActive');
    if (active?.status === 'False' && active.reason !== 'ScalingDisabled') {
      reasons.push(['degraded', `autoscaler cannot read its metrics`]);
    }
  }
  if (cluster.status === 'stale') {
    reasons.push([
      'unknown',
      `data from ${
        cluster.lastSyncAt ?? 'an unknown time'
      } (cluster not answering)`,
    ]);
  }
  return {
    level: worstLevel(reasons.map(([level]) => level)),
    reasons: reasons.map(([, reason]) => reason),
  };
}
