import {
  BacklogThreshold,
  DeclaredContainer,
} from '@internal/backstage-plugin-service-ops-common';
import { ConfiguredConsumer } from './types';

/**
 * The threshold of a consumer's backlog: its own from the app-config, else the KEDA
 * trigger of its container in the declared model (the one trigger that is not a
 * percentage, or the one on the configured `metric`). `problem` says why there is none
 * when a container is named.
 */
export function resolveThreshold(options: {
  consumer: ConfiguredConsumer;
  declared?: DeclaredContainer;
}): { threshold?: BacklogThreshold; problem?: string } {
  const { consumer, declared } = options;
  if (consumer.threshold)
    return {
      threshold: {
        value: consumer.threshold.value,
        per: consumer.threshold.per,
        source:
          consumer.threshold.source ??
          `app-config serviceOps.backlog (consumer ${consumer.name})`,
        origin: 'config',
      },
    };
  const container = consumer.container;
  if (!container) return {};
  if (!declared)
    return {
      problem: `${consumer.name}: container ${container} has no declared model in the catalog`,
    };
  const scaling = declared.scaling;
  if (!scaling)
    return {
      problem: `${consumer.name}: ${container} declares no scaling`,
    };
  const candidates = scaling.triggers.filter(
    t =>
      t.basis !== 'percent' &&
      (consumer.metric === undefined || t.metric === consumer.metric),
  );
  if (candidates.length !== 1) {
    const what = consumer.metric ? ` on ${consumer.metric}` : '';
    const why =
      candidates.length === 0
        ? `declares no trigger${what}`
        : `declares several triggers (${candidates
            .map(t => t.metric)
            .join(', ')}); set metric`;
    return {
      problem: `${consumer.name}: ${container} ${why} (its triggers: ${scaling.text})`,
    };
  }
  const [trigger] = candidates;
  const perPod = trigger.basis === 'perPod';
  return {
    threshold: {
      value: trigger.threshold,
      per: perPod ? 'pod' : 'total',
      source: scaling.source,
      origin: 'declared',
      text: `${trigger.metricText} ${trigger.comparison} ${trigger.threshold}${
        perPod ? '/pod' : ''
      }`,
    },
  };
}
