import { describeTrigger, formatQuantity } from '../declared/format';
import { DeclaredContainer, DeclaredTrigger } from '../declared/types';
import {
  ClusterState,
  ContainerRegionState,
  DriftFinding,
  LiveHpaMetric,
} from './types';

/** What the live state of one container looks like to the drift check. */
export interface LiveContainer {
  container: string;
  regions: Array<Pick<ContainerRegionState, 'cluster' | 'workload' | 'hpa'>>;
}

const normalise = (name: string) => name.toLowerCase().replace(/_/g, '-');

/**
 * Whether a live HPA metric implements a declared trigger: same metric name (the sandbox and
 * most adapters write `active-editors` as `active_editors`), or a KEDA external metric named
 * `s<i>-<scaler>-<stream>` whose stream ends with the metric (`…-queue-depth`).
 */
export function metricMatchesTrigger(
  metric: Pick<LiveHpaMetric, 'name'>,
  trigger: DeclaredTrigger,
): boolean {
  const name = normalise(metric.name);
  const wanted = normalise(trigger.metric);
  return name === wanted || name.endsWith(`-${wanted}`);
}

const TARGET_TYPE: Record<
  DeclaredTrigger['basis'],
  LiveHpaMetric['targetType'][]
> = {
  percent: ['Utilization'],
  perPod: ['AverageValue'],
  total: ['Value'],
};

const TARGET_SUFFIX: Record<LiveHpaMetric['targetType'], string> = {
  Utilization: '%',
  AverageValue: ' per pod',
  Value: ' in total',
};

const describeMetric = (metric: LiveHpaMetric) =>
  `${metric.name} ${metric.target}${TARGET_SUFFIX[metric.targetType]}`;

/**
 * Differences between the declared model of a service's containers and what runs in each
 * cluster. Clusters that have not synced yet are skipped (nothing is known about them);
 * stale clusters are checked against their last known state.
 *
 * @param declared - the containers the topology document declares (for a container entity,
 *   just that one)
 * @param live - the containers found in the clusters
 * @param reportUndeclared - whether workloads that no declared container accounts for are
 *   findings (true for a service, whose selector covers all its workloads)
 */
export function findDrift(
  declared: DeclaredContainer[],
  live: LiveContainer[],
  clusters: ClusterState[],
  reportUndeclared = true,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const synced = clusters.filter(c => c.status !== 'syncing').map(c => c.name);
  for (const cluster of synced) {
    for (const model of declared) {
      const region = live
        .find(l => l.container === model.container)
        ?.regions.find(r => r.cluster === cluster);
      const at = { container: model.container, cluster };
      if (!region?.workload) {
        findings.push({
          ...at,
          kind: 'not-deployed',
          declared: 'deployed',
          message: `${cluster}: ${model.container} is declared but not deployed`,
        });
        continue;
      }
      findings.push(...scalingDrift(model, region, cluster));
      findings.push(...resourceDrift(model, region, cluster));
    }
    if (reportUndeclared) {
      for (const container of live) {
        if (declared.some(d => d.container === container.container)) continue;
        const region = container.regions.find(r => r.cluster === cluster);
        if (!region?.workload) continue;
        findings.push({
          container: container.container,
          cluster,
          kind: 'not-declared',
          actual: `${region.workload.kind} ${region.workload.namespace}/${region.workload.name}`,
          message: `${cluster}: ${region.workload.kind} ${region.workload.name} runs but no topology document declares it`,
        });
      }
    }
  }
  return findings;
}

function scalingDrift(
  model: DeclaredContainer,
  region: LiveContainer['regions'][number],
  cluster: string,
): DriftFinding[] {
  const scaling = model.scaling;
  const hpa = region.hpa;
  const at = { container: model.container, cluster };
  if (!scaling) return [];
  if (!hpa) {
    return [
      {
        ...at,
        kind: 'trigger',
        declared: scaling.text,
        actual: `no autoscaler (${
          region.workload?.desired ?? 0
        } fixed replicas)`,
        message: `${cluster}: ${model.container} has no autoscaler; declared ${scaling.min}-${scaling.max} on ${scaling.text}`,
      },
    ];
  }
  const findings: DriftFinding[] = [];
  for (const [kind, want, got] of [
    ['min', scaling.min, hpa.min],
    ['max', scaling.max, hpa.max],
  ] as const) {
    if (want !== got) {
      findings.push({
        ...at,
        kind,
        declared: String(want),
        actual: String(got),
        message: `${cluster}: ${model.container} ${kind} replicas ${got}, declared ${want}`,
      });
    }
  }
  const matched = new Set<LiveHpaMetric>();
  for (const trigger of scaling.triggers) {
    const metric = hpa.metrics.find(
      m => !matched.has(m) && metricMatchesTrigger(m, trigger),
    );
    if (!metric) {
      findings.push({
        ...at,
        kind: 'trigger',
        declared: describeTrigger(trigger),
        actual: hpa.metrics.map(describeMetric).join(', ') || 'no metrics',
        message: `${cluster}: ${
          model.container
        } does not scale on ${describeTrigger(trigger)}`,
      });
      continue;
    }
    matched.add(metric);
    if (!TARGET_TYPE[trigger.basis].includes(metric.targetType)) {
      findings.push({
        ...at,
        kind: 'trigger',
        declared: describeTrigger(trigger),
        actual: describeMetric(metric),
        message: `${cluster}: ${model.container} scales on ${describeMetric(
          metric,
        )}, declared ${describeTrigger(trigger)}`,
      });
    } else if (Math.abs(metric.target - trigger.threshold) > 1e-9) {
      findings.push({
        ...at,
        kind: 'threshold',
        declared: describeTrigger(trigger),
        actual: describeMetric(metric),
        message: `${cluster}: ${model.container} threshold ${metric.target}, declared ${trigger.threshold} (${trigger.metricText})`,
      });
    }
  }
  for (const metric of hpa.metrics.filter(m => !matched.has(m))) {
    findings.push({
      ...at,
      kind: 'trigger',
      actual: describeMetric(metric),
      message: `${cluster}: ${model.container} also scales on ${describeMetric(
        metric,
      )}, which is not declared`,
    });
  }
  return findings;
}

function resourceDrift(
  model: DeclaredContainer,
  region: LiveContainer['regions'][number],
  cluster: string,
): DriftFinding[] {
  const declared = model.resources;
  const template = region.workload?.template ?? [];
  const container =
    template.find(c => c.name === model.container) ?? template[0];
  if (!declared || !container) return [];
  const findings: DriftFinding[] = [];
  for (const resource of ['cpu', 'memory'] as const) {
    for (const side of ['request', 'limit'] as const) {
      const want = declared[resource][side];
      const got = (side === 'request' ? container.requests : container.limits)[
        resource
      ];
      const equal =
        got !== undefined && Math.abs(got - want.value) <= want.value * 1e-9;
      if (equal) continue;
      const actual =
        got === undefined ? 'not set' : formatQuantity(got, resource);
      findings.push({
        container: model.container,
        cluster,
        kind: `${resource}-${side}`,
        declared: want.text,
        actual,
        message: `${cluster}: ${model.container} ${resource} ${side} ${actual}, declared ${want.text}`,
      });
    }
  }
  return findings;
}
