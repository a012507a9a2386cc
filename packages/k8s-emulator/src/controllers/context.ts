import { createHash } from 'node:crypto';
import { findType, ResourceType } from '../api/resources';
import { KubeObject, ObjectStore } from '../store/ObjectStore';
import { Clock, timestamp } from './Clock';

/**
 * Where the simulated load comes from. The emulator asks; a fleet's load model answers.
 * Values are for simulated time `now`.
 */
export interface MetricsProvider {
  /** CPU (cores) and memory (bytes) a container of a running pod uses. */
  containerUsage(
    pod: KubeObject,
    container: string,
    now: number,
  ): { cpu: number; memory: number };
  /** A Pods metric (custom.metrics.k8s.io) of one pod, e.g. `active_editors`. */
  podMetric(pod: KubeObject, metric: string, now: number): number | undefined;
  /**
   * The names of the Pods metrics `podMetric` answers, for custom.metrics.k8s.io
   * discovery; the API answers 404 for any other. Optional: without it, a metric that no
   * pod of the namespace reports is the unknown one.
   */
  podMetricNames?(): readonly string[];
  /** An External metric (external.metrics.k8s.io) in a namespace, e.g. KEDA's `s0-nats-jetstream-outbox`. */
  externalMetric(
    namespace: string,
    metric: string,
    now: number,
  ): number | undefined;
}

/** A deterministic pseudo-random source (mulberry32), so that seeded runs repeat. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** A lower-case alphanumeric suffix like the ones Kubernetes generates. */
  suffix(length = 5): string {
    const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
    let out = '';
    for (let i = 0; i < length; i++)
      out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}

export const TYPES = {
  pods: findType('', 'v1', 'pods')!,
  events: findType('', 'v1', 'events')!,
  nodes: findType('', 'v1', 'nodes')!,
  deployments: findType('apps', 'v1', 'deployments')!,
  replicasets: findType('apps', 'v1', 'replicasets')!,
  statefulsets: findType('apps', 'v1', 'statefulsets')!,
  hpas: findType('autoscaling', 'v2', 'horizontalpodautoscalers')!,
  pdbs: findType('policy', 'v1', 'poddisruptionbudgets')!,
  podMetrics: findType('metrics.k8s.io', 'v1beta1', 'pods')!,
  nodeMetrics: findType('metrics.k8s.io', 'v1beta1', 'nodes')!,
  rollouts: findType('argoproj.io', 'v1alpha1', 'rollouts')!,
  analysisRuns: findType('argoproj.io', 'v1alpha1', 'analysisruns')!,
  scaledObjects: findType('keda.sh', 'v1alpha1', 'scaledobjects')!,
};

/** What every controller gets: the store, simulated time, randomness and event recording. */
export class ControllerContext {
  constructor(
    readonly store: ObjectStore,
    readonly clock: Clock,
    readonly random: Random,
    readonly metrics: MetricsProvider,
    private readonly eventLimit = 1000,
  ) {}

  now() {
    return this.clock.now();
  }

  /** Writes a core/v1 Event about `object`, as the controllers of a cluster do. */
  recordEvent(
    object: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
  ) {
    const namespace = object.metadata.namespace ?? 'default';
    const at = timestamp(this.now());
    this.store.create(TYPES.events, {
      metadata: {
        name: `${object.metadata.name}.${this.random.suffix(10)}`,
        namespace,
      },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        name: object.metadata.name,
        namespace,
        uid: object.metadata.uid,
      },
      reason,
      message,
      type,
      count: 1,
      firstTimestamp: at,
      lastTimestamp: at,
      eventTime: null,
      source: { component },
      reportingComponent: component,
    } as KubeObject);
    const events = this.store.list(TYPES.events);
    if (events.length > this.eventLimit) {
      events
        .sort((a, b) =>
          String(a.lastTimestamp).localeCompare(String(b.lastTimestamp)),
        )
        .slice(0, events.length - this.eventLimit)
        .forEach(e =>
          this.store.delete(
            TYPES.events,
            e.metadata.namespace,
            e.metadata.name!,
          ),
        );
    }
  }

  /** Applies `change` to the stored object and writes it back if it changed. */
  mutate(
    type: ResourceType,
    object: KubeObject,
    change: (o: KubeObject) => void,
    status = false,
  ) {
    const current = this.store.get(
      type,
      object.metadata.namespace,
      object.metadata.name!,
    );
    if (!current) return undefined;
    change(current);
    return this.store.update(
      type,
      current,
      status ? { subresource: 'status' } : {},
    );
  }
}

export function ownedBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    r => r.uid === owner.metadata.uid,
  );
}

export function controllerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function templateHash(template: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(template))
    .digest('hex')
    .slice(0, 10);
}

export function isReady(pod: KubeObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status?.conditions ?? []).some(
      (c: any) => c.type === 'Ready' && c.status === 'True',
    )
  );
}

/** `25%` of 10 -> 3 (rounded up) or 2 (down); plain numbers as they are. */
export function resolveIntOrPercent(
  value: number | string | undefined,
  total: number,
  fallback: string,
  roundUp: boolean,
): number {
  const v = value ?? fallback;
  if (typeof v === 'string' && v.endsWith('%')) {
    const raw = (total * Number(v.slice(0, -1))) / 100;
    return roundUp ? Math.ceil(raw) : Math.floor(raw);
  }
  return Number(v);
}
