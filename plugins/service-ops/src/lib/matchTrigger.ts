import {
  DeclaredTrigger,
  LiveHpaMetric,
  metricMatchesTrigger,
} from '@internal/backstage-plugin-service-ops-common';

/**
 * The declared trigger an HPA metric implements (a Resource metric `cpu`, a Pods metric
 * `active_editors` for `active-editors`, a KEDA External metric
 * `s0-nats-jetstream-content-builder-queue-depth` for `queue-depth`), by the same rule
 * the backend's drift check uses.
 */
export function matchTrigger(
  metric: Pick<LiveHpaMetric, 'name'>,
  triggers: DeclaredTrigger[],
): DeclaredTrigger | undefined {
  return triggers.find(trigger => metricMatchesTrigger(metric, trigger));
}

/** Declared triggers that no metric of the HPA implements. */
export function unmatchedTriggers(
  metrics: Array<Pick<LiveHpaMetric, 'name'>>,
  triggers: DeclaredTrigger[],
): DeclaredTrigger[] {
  return triggers.filter(
    trigger => !metrics.some(metric => metricMatchesTrigger(metric, trigger)),
  );
}
