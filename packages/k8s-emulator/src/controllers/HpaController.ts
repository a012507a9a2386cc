import { findType, typeOfKind } from '../api/resources';
import { KubeObject } from '../store/ObjectStore';
import { timestamp } from './Clock';
import { ControllerContext, isReady, TYPES } from './context';
import { matchesSelectorObject } from '../api/selectors';

const TOLERANCE = 0.1;

const LIMIT_MESSAGES: Record<string, string> = {
  TooManyReplicas:
    'the desired replica count is more than the maximum replica count',
  TooFewReplicas:
    'the desired replica count is less than the minimum replica count',
  ScaleUpLimit:
    'the desired replica count is increasing faster than the maximum scale rate',
  DesiredWithinRange: 'the desired count is within the acceptable range',
};
const SYNC_MS = 15_000;

interface MetricResult {
  /** The replica count this metric asks for. */
  replicas: number;
  /** The `status.currentMetrics` entry. */
  status: Record<string, unknown>;
  /** How the metric reads, for events: "cpu resource utilization (percentage of request)". */
  label: string;
  ratio: number;
}

function parseCpu(text: string): number {
  if (text.endsWith('n')) return Number(text.slice(0, -1)) / 1e9;
  if (text.endsWith('u')) return Number(text.slice(0, -1)) / 1e6;
  if (text.endsWith('m')) return Number(text.slice(0, -1)) / 1e3;
  return Number(text);
}

function cpuRequest(pod: KubeObject): number | undefined {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const request = c.resources?.requests?.cpu;
    if (request === undefined) return undefined;
    total += parseCpu(String(request));
  }
  return total;
}

function quantity(value: number): string {
  return Number.isInteger(value)
    ? String(value)
    : `${Math.round(value * 1000)}m`;
}

/**
 * The autoscaling/v2 HorizontalPodAutoscaler algorithm: per metric
 * desired = ceil(current x value / target) with a 10% tolerance, the largest over the
 * metrics, clamped to min/max, scale-up limited to max(2x, +4) per 15 s and scale-down
 * smoothed over the stabilization window (default 300 s). Writes the target's replicas,
 * the HPA status and its AbleToScale / ScalingActive / ScalingLimited conditions, and
 * SuccessfulRescale events.
 */
export class HpaController {
  private readonly recommendations = new Map<
    string,
    Array<{ at: number; replicas: number }>
  >();
  private readonly syncedAt = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {}

  reconcile() {
    const now = this.ctx.now();
    for (const hpa of this.ctx.store.list(TYPES.hpas)) {
      const key = `${hpa.metadata.namespace}/${hpa.metadata.name}`;
      if (now - (this.syncedAt.get(key) ?? -Infinity) < SYNC_MS) continue;
      this.syncedAt.set(key, now);
      this.sync(hpa, key, now);
    }
  }

  private sync(hpa: KubeObject, key: string, now: number) {
    const ref = hpa.spec.scaleTargetRef ?? {};
    const targetType = typeOfKind(ref.apiVersion ?? 'apps/v1', ref.kind);
    const target =
      targetType &&
      this.ctx.store.get(targetType, hpa.metadata.namespace, ref.name);
    const conditions: Array<Record<string, string>> = [];
    const at = timestamp(now);
    const condition = (
      type: string,
      status: boolean,
      reason: string,
      message: string,
    ) => {
      const before = (hpa.status?.conditions ?? []).find(
        (c: any) => c.type === type,
      );
      const value = status ? 'True' : 'False';
      conditions.push({
        type,
        status: value,
        reason,
        message,
        lastTransitionTime:
          before?.status === value ? before.lastTransitionTime : at,
      });
    };
    if (!targetType || !target) {
      condition(
        'AbleToScale',
        false,
        'FailedGetScale',
        `the HPA controller was unable to get the target's current scale: ${ref.kind} "${ref.name}" not found`,
      );
      this.writeStatus(hpa, { conditions });
      return;
    }
    const current = target.spec?.replicas ?? 0;
    const min = hpa.spec.minReplicas ?? 1;
    const max = hpa.spec.maxReplicas;
    const pods = this.ctx.store
      .scan(TYPES.pods, hpa.metadata.namespace)
      .filter(p =>
        matchesSelectorObject(target.spec?.selector, p.metadata.labels),
      );
    const ready = pods.filter(isReady);

    const results: MetricResult[] = [];
    const failures: string[] = [];
    for (const metric of hpa.spec.metrics ?? []) {
      try {
        results.push(this.evaluate(metric, hpa, current, ready, now));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
    condition(
      'AbleToScale',
      true,
      'SucceededGetScale',
      "the HPA controller was able to get the target's current scale",
    );
    if (results.length === 0) {
      condition(
        'ScalingActive',
        false,
        failures.length ? 'FailedGetMetrics' : 'ScalingDisabled',
        failures[0] ?? 'no metrics',
      );
      this.writeStatus(hpa, {
        currentReplicas: current,
        desiredReplicas: current,
        conditions,
        currentMetrics: [],
      });
      return;
    }
    condition(
      'ScalingActive',
      true,
      'ValidMetricFound',
      failures.length
        ? `the HPA was able to compute a replica count from some metrics; ${failures.join(
            '; ',
          )}`
        : `the HPA was able to successfully calculate a replica count from ${results[0].label}`,
    );
    const wanted = results.reduce((best, r) =>
      r.replicas > best.replicas ? r : best,
    );
    let desired = wanted.replicas;
    let limited: string | undefined;
    if (desired > max) {
      desired = max;
      limited = 'TooManyReplicas';
    } else if (desired < min) {
      desired = min;
      limited = 'TooFewReplicas';
    }
    // Scale-up rate: at most double or +4 pods per period.
    const upLimit = Math.max(current * 2, current + 4);
    if (desired > upLimit) {
      desired = upLimit;
      limited = limited ?? 'ScaleUpLimit';
    }
    // Scale-down stabilization: never below the highest recommendation in the window.
    const windowMs =
      (hpa.spec.behavior?.scaleDown?.stabilizationWindowSeconds ?? 300) * 1000;
    const history = (this.recommendations.get(key) ?? []).filter(
      r => now - r.at <= windowMs,
    );
    history.push({ at: now, replicas: desired });
    this.recommendations.set(key, history);
    if (desired < current) {
      const stabilized = Math.max(...history.map(r => r.replicas));
      desired = Math.min(current, stabilized);
    }
    condition(
      'ScalingLimited',
      !!limited,
      limited ?? 'DesiredWithinRange',
      LIMIT_MESSAGES[limited ?? 'DesiredWithinRange'],
    );
    let lastScaleTime = hpa.status?.lastScaleTime;
    if (desired !== current) {
      this.ctx.mutate(targetType, target, o => {
        o.spec.replicas = desired;
      });
      lastScaleTime = at;
      this.ctx.recordEvent(
        hpa,
        'Normal',
        'SuccessfulRescale',
        `New size: ${desired}; reason: ${wanted.label} ${
          desired > current ? 'above' : 'below'
        } target`,
        'horizontal-pod-autoscaler',
      );
    }
    this.writeStatus(hpa, {
      currentReplicas: current,
      desiredReplicas: desired,
      currentMetrics: results.map(r => r.status),
      conditions,
      ...(lastScaleTime ? { lastScaleTime } : {}),
    });
  }

  private evaluate(
    metric: any,
    hpa: KubeObject,
    current: number,
    ready: KubeObject[],
    now: number,
  ): MetricResult {
    const count = ready.length;
    const proportional = (ratio: number) =>
      Math.abs(ratio - 1) <= TOLERANCE ? current : Math.ceil(count * ratio);
    switch (metric.type) {
      case 'Resource': {
        const name = metric.resource?.name;
        if (name !== 'cpu')
          throw new Error(`unsupported resource metric ${name}`);
        let usage = 0;
        let requested = 0;
        for (const pod of ready) {
          const metrics = this.ctx.store.get(
            TYPES.podMetrics,
            pod.metadata.namespace,
            pod.metadata.name!,
          );
          const request = cpuRequest(pod);
          if (!metrics || request === undefined) continue;
          usage += (metrics.containers ?? []).reduce(
            (n: number, c: any) => n + parseCpu(c.usage.cpu),
            0,
          );
          requested += request;
        }
        if (!requested) {
          throw new Error(
            'failed to get cpu utilization: missing request for cpu or no metrics for the ready pods',
          );
        }
        const utilization = Math.round((usage / requested) * 100);
        const target = metric.resource.target.averageUtilization;
        return {
          replicas: proportional(utilization / target),
          ratio: utilization / target,
          label: 'cpu resource utilization (percentage of request)',
          status: {
            type: 'Resource',
            resource: {
              name: 'cpu',
              current: {
                averageUtilization: utilization,
                averageValue: quantity(usage / Math.max(1, count)),
              },
            },
          },
        };
      }
      case 'Pods': {
        const name = metric.pods.metric.name;
        let total = 0;
        for (const pod of ready) {
          const value = this.ctx.metrics.podMetric(pod, name, now);
          if (value === undefined)
            throw new Error(
              `unable to get metric ${name}: no metrics returned from custom metrics API`,
            );
          total += value;
        }
        const average = count ? total / count : 0;
        const target = Number(metric.pods.target.averageValue);
        return {
          replicas: proportional(average / target),
          ratio: average / target,
          label: `pods metric ${name}`,
          status: {
            type: 'Pods',
            pods: {
              metric: { name },
              current: { averageValue: quantity(average) },
            },
          },
        };
      }
      case 'External': {
        const name = metric.external.metric.name;
        const value = this.ctx.metrics.externalMetric(
          hpa.metadata.namespace!,
          name,
          now,
        );
        if (value === undefined) {
          throw new Error(
            `unable to get external metric ${hpa.metadata.namespace}/${name}: no metrics returned from external metrics API`,
          );
        }
        const target = metric.external.target;
        if (target.type === 'AverageValue') {
          const per = Number(target.averageValue);
          const ratio = value / (per * Math.max(1, count));
          return {
            replicas:
              Math.abs(ratio - 1) <= TOLERANCE
                ? current
                : Math.ceil(value / per),
            ratio,
            label: `external metric ${name}`,
            status: {
              type: 'External',
              external: {
                metric: { name },
                current: { averageValue: quantity(value / Math.max(1, count)) },
              },
            },
          };
        }
        const ratio = value / Number(target.value);
        return {
          replicas: proportional(ratio),
          ratio,
          label: `external metric ${name}`,
          status: {
            type: 'External',
            external: { metric: { name }, current: { value: quantity(value) } },
          },
        };
      }
      default:
        throw new Error(`unsupported metric type ${metric.type}`);
    }
  }

  private writeStatus(hpa: KubeObject, status: Record<string, unknown>) {
    this.ctx.mutate(
      TYPES.hpas,
      hpa,
      o => {
        o.status = { ...o.status, ...status };
      },
      true,
    );
  }
}

/**
 * KEDA: each ScaledObject owns an HPA `keda-hpa-<name>` whose External metrics are named
 * as KEDA names them (`s<index>-<trigger type>-<stream or queue>`).
 */
export class ScaledObjectController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile() {
    const hpaType = findType('autoscaling', 'v2', 'horizontalpodautoscalers')!;
    for (const so of this.ctx.store.list(TYPES.scaledObjects)) {
      const name = `keda-hpa-${so.metadata.name}`;
      const metrics = (so.spec.triggers ?? []).map(
        (trigger: any, index: number) => {
          const subject =
            trigger.metadata?.stream ??
            trigger.metadata?.queueName ??
            trigger.metadata?.metricName ??
            'metric';
          const threshold =
            trigger.metadata?.lagThreshold ??
            trigger.metadata?.queueLength ??
            trigger.metadata?.value ??
            '1';
          const perReplica = trigger.metricType !== 'Value';
          return {
            type: 'External',
            external: {
              metric: {
                name: `s${index}-${trigger.type}-${subject}`,
                selector: { matchLabels: { scaledobject: so.metadata.name } },
              },
              target: perReplica
                ? { type: 'AverageValue', averageValue: String(threshold) }
                : { type: 'Value', value: String(threshold) },
            },
          };
        },
      );
      const spec = {
        scaleTargetRef: {
          apiVersion: so.spec.scaleTargetRef.apiVersion ?? 'apps/v1',
          kind: so.spec.scaleTargetRef.kind ?? 'Deployment',
          name: so.spec.scaleTargetRef.name,
        },
        minReplicas: so.spec.minReplicaCount ?? 0,
        maxReplicas: so.spec.maxReplicaCount ?? 100,
        metrics,
      };
      const existing = this.ctx.store.get(hpaType, so.metadata.namespace, name);
      if (!existing) {
        this.ctx.store.create(hpaType, {
          metadata: {
            name,
            namespace: so.metadata.namespace,
            labels: {
              ...so.metadata.labels,
              'app.kubernetes.io/managed-by': 'keda-operator',
              'scaledobject.keda.sh/name': so.metadata.name!,
            },
            ownerReferences: [
              {
                apiVersion: 'keda.sh/v1alpha1',
                kind: 'ScaledObject',
                name: so.metadata.name!,
                uid: so.metadata.uid!,
                controller: true,
              },
            ],
          },
          spec,
        });
      } else if (JSON.stringify(existing.spec) !== JSON.stringify(spec)) {
        this.ctx.store.update(hpaType, { ...existing, spec });
      }
      if (!so.status?.hpaName) {
        this.ctx.mutate(
          TYPES.scaledObjects,
          so,
          o => {
            o.status = {
              ...o.status,
              hpaName: name,
              scaleTargetKind: `${spec.scaleTargetRef.apiVersion}.${spec.scaleTargetRef.kind}`,
              externalMetricNames: metrics.map(
                (m: any) => m.external.metric.name,
              ),
              conditions: [
                {
                  type: 'Ready',
                  status: 'True',
                  reason: 'ScaledObjectReady',
                  message:
                    'ScaledObject is defined correctly and is ready for scaling',
                },
              ],
            };
          },
          true,
        );
      }
    }
  }
}
