import type {
  V1Deployment,
  V1StatefulSet,
  V1Pod,
  V1PodDisruptionBudget,
  V1Container,
  CoreV1Event,
  V2HorizontalPodAutoscaler,
  V2MetricSpec,
  V2MetricStatus,
  V2MetricTarget,
  V2MetricValueStatus,
} from '@kubernetes/client-node';
import {
  CpuMemory,
  describeHpaMetric,
  explainHpa,
  LiveContainerResources,
  LiveEvent,
  LiveHpa,
  LiveHpaMetric,
  LivePdb,
  LiveAnalysisRun,
  LiveCanaryStep,
  LivePod,
  LiveRolloutState,
  LiveWorkload,
  parseQuantity,
} from '@internal/backstage-plugin-service-ops-common';
import type {
  ArgoAnalysisRunStatus,
  ArgoCanaryStep,
  ArgoRollout,
} from './wireTypes';

// Wire data repeats a few quantity strings (requests, limits) across thousands of pods.
const parsedQuantities = new Map<string, number | undefined>();
const PARSED_QUANTITIES_MAX = 10_000;

/** A quantity's scalar, or undefined when absent or not a quantity (never throws on wire data). */
export function quantity(
  text: string | number | undefined,
): number | undefined {
  if (text === undefined || text === null) return undefined;
  if (typeof text === 'number') return text;
  if (parsedQuantities.has(text)) return parsedQuantities.get(text);
  const value = parseQuantityText(text);
  if (parsedQuantities.size >= PARSED_QUANTITIES_MAX) parsedQuantities.clear();
  parsedQuantities.set(text, value);
  return value;
}

function parseQuantityText(text: string): number | undefined {
  // metrics.k8s.io reports CPU in nanocores (`12345678n`) and microcores (`u`).
  const small = /^(\d+(?:\.\d+)?)(n|u)$/.exec(text);
  if (small) return Number(small[1]) * (small[2] === 'n' ? 1e-9 : 1e-6);
  try {
    return parseQuantity(text).value;
  } catch {
    return undefined;
  }
}

function cpuMemory(
  values: Record<string, string | number> | undefined,
): CpuMemory {
  const cpu = quantity(values?.cpu);
  const memory = quantity(values?.memory);
  return {
    ...(cpu !== undefined ? { cpu } : {}),
    ...(memory !== undefined ? { memory } : {}),
  };
}

export function toContainerResources(
  container: V1Container,
): LiveContainerResources {
  return {
    name: container.name,
    requests: cpuMemory(container.resources?.requests),
    limits: cpuMemory(container.resources?.limits),
  };
}

const iso = (value: Date | string | undefined) =>
  value ? new Date(value).toISOString() : undefined;

/** Wire -> domain: a pod, with each container's usage when a metrics sample exists. */
export function toLivePod(pod: V1Pod, usage?: Map<string, CpuMemory>): LivePod {
  const statuses = pod.status?.containerStatuses ?? [];
  const terminated = statuses
    .map(s => s.lastState?.terminated?.reason)
    .find(Boolean);
  const createdAt = iso(pod.metadata?.creationTimestamp);
  const labels = pod.metadata?.labels;
  const templateHash =
    labels?.['rollouts-pod-template-hash'] ?? labels?.['pod-template-hash'];
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: (pod.status?.conditions ?? []).some(
      c => c.type === 'Ready' && c.status === 'True',
    ),
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
    ...(createdAt ? { createdAt } : {}),
    ...(terminated ? { lastTerminationReason: terminated } : {}),
    terminating: !!pod.metadata?.deletionTimestamp,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    ...(templateHash ? { templateHash } : {}),
    containers: (pod.spec?.containers ?? []).map(c => {
      const used = usage?.get(c.name);
      return { ...toContainerResources(c), ...(used ? { usage: used } : {}) };
    }),
  };
}

const durationText = (value: string | number | undefined) =>
  typeof value === 'number' ? `${value}s` : value;

/** Wire -> domain: one canary step, named the way `kubectl argo rollouts get` shows it. */
function toCanaryStep(step: ArgoCanaryStep, index: number): LiveCanaryStep {
  if (step.setWeight !== undefined)
    return {
      index,
      kind: 'setWeight',
      title: `set weight ${step.setWeight}%`,
      weight: step.setWeight,
    };
  if (step.pause) {
    const duration = durationText(step.pause.duration);
    return {
      index,
      kind: 'pause',
      title: duration ? `pause ${duration}` : 'pause until promoted',
      ...(duration ? { pauseDuration: duration } : {}),
    };
  }
  if (step.analysis) {
    const names = (step.analysis.templates ?? [])
      .map(t => t.templateName)
      .filter(Boolean);
    return {
      index,
      kind: 'analysis',
      title: names.length ? `analysis: ${names.join(', ')}` : 'analysis',
    };
  }
  if (step.experiment)
    return { index, kind: 'experiment', title: 'experiment' };
  if (step.setCanaryScale)
    return { index, kind: 'setCanaryScale', title: 'set canary scale' };
  return { index, kind: 'other', title: Object.keys(step)[0] ?? 'step' };
}

function analysisRun(
  kind: LiveAnalysisRun['kind'],
  status: ArgoAnalysisRunStatus | undefined,
): LiveAnalysisRun[] {
  if (!status?.name) return [];
  return [
    {
      kind,
      name: status.name,
      status: status.status ?? 'Pending',
      ...(status.message ? { message: status.message } : {}),
    },
  ];
}

function rolloutState(object: ArgoRollout): LiveRolloutState | undefined {
  const strategy = object.spec?.strategy ?? {};
  const status = object.status ?? {};
  if (!strategy.canary && !strategy.blueGreen) return undefined;
  const pause = (status.pauseConditions ?? [])[0];
  const steps = strategy.canary?.steps ?? [];
  const index = status.currentStepIndex;
  // The weight the canary runs at: the last setWeight at or before the current step.
  let weight: number | undefined;
  if (strategy.canary) {
    weight = 0;
    for (
      let i = 0;
      i < Math.min((index ?? steps.length) + 1, steps.length);
      i++
    ) {
      weight = steps[i].setWeight ?? weight;
    }
    if (index !== undefined && index >= steps.length) weight = 100;
    if (status.abort) weight = 0;
  }
  const reported = status.canary?.weights;
  const analysisRuns = [
    ...analysisRun('step', status.canary?.currentStepAnalysisRunStatus),
    ...analysisRun(
      'background',
      status.canary?.currentBackgroundAnalysisRunStatus,
    ),
    ...analysisRun('step', status.blueGreen?.prePromotionAnalysisRunStatus),
    ...analysisRun(
      'background',
      status.blueGreen?.postPromotionAnalysisRunStatus,
    ),
  ];
  const revision =
    object.metadata?.annotations?.['rollout.argoproj.io/revision'];
  return {
    strategy: strategy.canary ? 'canary' : 'blueGreen',
    ...(status.phase ? { phase: status.phase } : {}),
    ...(status.message ? { message: status.message } : {}),
    ...(strategy.canary ? { steps: steps.length } : {}),
    ...(index !== undefined ? { currentStepIndex: index } : {}),
    ...(weight !== undefined ? { weight } : {}),
    paused: !!object.spec?.paused || (status.pauseConditions ?? []).length > 0,
    ...(object.spec?.paused ? { pausedBySpec: true } : {}),
    ...(pause?.reason ? { pauseReason: pause.reason } : {}),
    ...(pause?.startTime ? { pausedSince: iso(pause.startTime) } : {}),
    aborted: !!status.abort,
    ...(status.stableRS ? { stableHash: status.stableRS } : {}),
    ...(status.currentPodHash ? { canaryHash: status.currentPodHash } : {}),
    ...(strategy.canary ? { canarySteps: steps.map(toCanaryStep) } : {}),
    ...(reported?.canary?.weight !== undefined &&
    reported?.stable?.weight !== undefined
      ? {
          weights: {
            canary: reported.canary.weight,
            stable: reported.stable.weight,
          },
        }
      : {}),
    ...(status.blueGreen?.activeSelector
      ? { activeHash: status.blueGreen.activeSelector }
      : {}),
    ...(status.blueGreen?.previewSelector
      ? { previewHash: status.blueGreen.previewSelector }
      : {}),
    analysisDeclared:
      steps.some(s => !!s.analysis) ||
      !!strategy.canary?.analysis ||
      !!strategy.blueGreen?.prePromotionAnalysis ||
      !!strategy.blueGreen?.postPromotionAnalysis,
    analysisRuns,
    ...(revision ? { revision } : {}),
  };
}

/** A workload as the watchers hold it: its kind and its wire object. */
export type WireWorkload =
  | readonly ['Deployment', V1Deployment]
  | readonly ['StatefulSet', V1StatefulSet]
  | readonly ['Rollout', ArgoRollout];

function strategyOf(workload: WireWorkload): string | undefined {
  switch (workload[0]) {
    case 'Deployment':
      return workload[1].spec?.strategy?.type;
    case 'StatefulSet':
      return workload[1].spec?.updateStrategy?.type;
    default:
      return undefined;
  }
}

/** Wire -> domain: a Deployment, StatefulSet or Argo Rollout (same replica fields). */
export function toLiveWorkload(workload: WireWorkload): LiveWorkload {
  const [kind, object] = workload;
  const rollout = kind === 'Rollout' ? rolloutState(workload[1]) : undefined;
  const strategy = rollout?.strategy ?? strategyOf(workload);
  return {
    kind,
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
    desired: object.spec?.replicas ?? 0,
    ready: object.status?.readyReplicas ?? 0,
    available: object.status?.availableReplicas ?? 0,
    updated: object.status?.updatedReplicas ?? 0,
    ...(strategy ? { strategy } : {}),
    ...(rollout ? { rollout } : {}),
    template: (object.spec?.template?.spec?.containers ?? []).map(
      toContainerResources,
    ),
  };
}

/** The metric's name and target, whichever of the five source kinds it is. */
function metricSource(metric: V2MetricSpec): {
  name: string;
  target?: V2MetricTarget;
} {
  const named =
    metric.resource ??
    metric.containerResource ??
    metric.pods?.metric ??
    metric.object?.metric ??
    metric.external?.metric;
  return {
    name: named?.name ?? metric.type,
    target: (
      metric.resource ??
      metric.containerResource ??
      metric.pods ??
      metric.object ??
      metric.external
    )?.target,
  };
}

/** The status entry's metric name and current value, whichever source kind it is. */
function metricStatus(status: V2MetricStatus): {
  name: string;
  current?: V2MetricValueStatus;
} {
  const named =
    status.resource ??
    status.containerResource ??
    status.pods?.metric ??
    status.object?.metric ??
    status.external?.metric;
  return {
    name: named?.name ?? status.type,
    current: (
      status.resource ??
      status.containerResource ??
      status.pods ??
      status.object ??
      status.external
    )?.current,
  };
}

const TARGET_TYPES: ReadonlyArray<LiveHpaMetric['targetType']> = [
  'Utilization',
  'AverageValue',
  'Value',
];

function targetType(target?: V2MetricTarget): LiveHpaMetric['targetType'] {
  return TARGET_TYPES.find(t => t === target?.type) ?? 'Value';
}

/** A target or current value as a number, read the way the target type says. */
function metricValue(
  type: LiveHpaMetric['targetType'],
  value: V2MetricTarget | V2MetricValueStatus | undefined,
): number | undefined {
  if (type === 'Utilization') return value?.averageUtilization;
  return quantity(type === 'AverageValue' ? value?.averageValue : value?.value);
}

/** Wire -> domain: an autoscaling/v2 HPA, its metrics as numbers, its conditions in words. */
export function toLiveHpa(
  hpa: V2HorizontalPodAutoscaler,
  scaledObject?: LiveHpa['scaledObject'],
): LiveHpa {
  const statuses = (hpa.status?.currentMetrics ?? []).map(status => ({
    type: status.type,
    ...metricStatus(status),
  }));
  const metrics: LiveHpaMetric[] = (hpa.spec?.metrics ?? []).map(metric => {
    const { name, target } = metricSource(metric);
    const type = targetType(target);
    // currentMetrics are matched by type and name, not by position: a metric that cannot be
    // read is missing from the status.
    const status = statuses.find(
      c => c.type === metric.type && c.name === name,
    );
    const currentValue = metricValue(type, status?.current);
    const withoutDescription = {
      type: metric.type,
      name,
      targetType: type,
      target: metricValue(type, target) ?? 0,
      ...(currentValue !== undefined ? { current: currentValue } : {}),
    };
    return {
      ...withoutDescription,
      description: describeHpaMetric(withoutDescription),
    };
  });
  const live: Omit<LiveHpa, 'explanation'> = {
    name: hpa.metadata?.name ?? '',
    namespace: hpa.metadata?.namespace ?? '',
    target: {
      kind: hpa.spec?.scaleTargetRef.kind ?? '',
      name: hpa.spec?.scaleTargetRef.name ?? '',
    },
    min: hpa.spec?.minReplicas ?? 1,
    max: hpa.spec?.maxReplicas ?? 1,
    current: hpa.status?.currentReplicas ?? 0,
    desired: hpa.status?.desiredReplicas ?? 0,
    metrics,
    conditions: (hpa.status?.conditions ?? []).map(c => ({
      type: c.type,
      status: c.status,
      ...(c.reason ? { reason: c.reason } : {}),
      ...(c.message ? { message: c.message } : {}),
      ...(c.lastTransitionTime ? { since: iso(c.lastTransitionTime) } : {}),
    })),
    ...(hpa.status?.lastScaleTime
      ? { lastScaleTime: iso(hpa.status.lastScaleTime) }
      : {}),
    ...(scaledObject ? { scaledObject } : {}),
  };
  return { ...live, explanation: explainHpa(live) };
}

export function toLivePdb(pdb: V1PodDisruptionBudget): LivePdb {
  const text = (v: string | number | undefined) =>
    v === undefined ? undefined : String(v);
  const minAvailable = text(pdb.spec?.minAvailable);
  const maxUnavailable = text(pdb.spec?.maxUnavailable);
  return {
    name: pdb.metadata?.name ?? '',
    ...(minAvailable ? { minAvailable } : {}),
    ...(maxUnavailable ? { maxUnavailable } : {}),
    currentHealthy: pdb.status?.currentHealthy ?? 0,
    desiredHealthy: pdb.status?.desiredHealthy ?? 0,
    disruptionsAllowed: pdb.status?.disruptionsAllowed ?? 0,
  };
}

export function toLiveEvent(event: CoreV1Event): LiveEvent {
  const lastSeen = iso(
    event.lastTimestamp ?? event.eventTime ?? event.firstTimestamp,
  );
  return {
    reason: event.reason ?? '',
    message: event.message ?? '',
    object: `${event.involvedObject.kind}/${event.involvedObject.name}`,
    count: event.count ?? 1,
    ...(lastSeen ? { lastSeen } : {}),
  };
}
