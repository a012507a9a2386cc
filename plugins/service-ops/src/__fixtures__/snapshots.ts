/**
 * Realistic live state for tests: content-service with three containers in the four
 * regions (us, eu, me, ap) as the backend reports it. eu is stale (its watch failed
 * three minutes ago), content-builder scales on a KEDA External metric and is
 * short of pods in us and crash-looping in eu, and me runs content-builder with a
 * smaller memory limit than the document declares (the one drift finding).
 */
import type {
  ClusterState,
  ContainerRegionState,
  ContainerSnapshot,
  EntitySnapshot,
  LiveContainerResources,
  LiveEvent,
  LiveHpa,
  LivePod,
  LiveRolloutState,
  ScalingHistory,
  ScalingSample,
} from '@internal/backstage-plugin-service-ops-common';

export const REGIONS = ['us', 'eu', 'me', 'ap'] as const;
export const SERVICE_REF = 'component:default/content-service';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const minutesAgo = (now: Date, minutes: number) =>
  new Date(now.getTime() - minutes * 60_000).toISOString();

function resources(
  name: string,
  cpu: [number, number],
  memory: [number, number],
  usage?: { cpu: number; memory: number },
): LiveContainerResources {
  return {
    name,
    requests: { cpu: cpu[0], memory: memory[0] },
    limits: { cpu: cpu[1], memory: memory[1] },
    ...(usage ? { usage } : {}),
  };
}

function pods(options: {
  now: Date;
  container: string;
  hash: string;
  count: number;
  template: LiveContainerResources;
  usage: { cpu: number; memory: number };
}): LivePod[] {
  return Array.from({ length: options.count }, (_, i) => ({
    name: `${options.container}-${options.hash}-${'abcdefgh'[i]}x${i}q`,
    namespace: 'content',
    phase: 'Running',
    ready: true,
    restarts: 0,
    createdAt: minutesAgo(options.now, 90 + i * 30),
    terminating: false,
    node: `node-${i + 1}`,
    containers: [{ ...options.template, usage: options.usage }],
  }));
}

const healthy = { level: 'healthy' as const, reasons: [] };

function contentApi(now: Date, cluster: string): ContainerRegionState {
  const template = resources('content-api', [0.5, 2], [512 * MiB, 1.5 * GiB]);
  const rollout: LiveRolloutState =
    cluster === 'us'
      ? {
          strategy: 'canary',
          phase: 'Paused',
          message: 'CanaryPauseStep',
          currentStepIndex: 2,
          steps: 4,
          weight: 25,
          paused: true,
          pauseReason: 'CanaryPauseStep',
          pausedSince: minutesAgo(now, 10),
          aborted: false,
          stableHash: '6d9f7c',
          canaryHash: '7b5c4d',
        }
      : {
          strategy: 'canary',
          phase: 'Healthy',
          currentStepIndex: 4,
          steps: 4,
          weight: 100,
          paused: false,
          aborted: false,
          stableHash: '6d9f7c',
        };
  const hpa: LiveHpa = {
    name: 'content-api',
    namespace: 'content',
    target: { kind: 'Rollout', name: 'content-api' },
    min: 3,
    max: 20,
    current: 3,
    desired: 3,
    metrics: [
      {
        type: 'Resource',
        name: 'cpu',
        targetType: 'Utilization',
        target: 60,
        current: 45,
        description: 'cpu: 45% of request (target 60%)',
      },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' },
      { type: 'ScalingLimited', status: 'True', reason: 'TooFewReplicas' },
    ],
    explanation: [
      'at min replicas (3): cpu is below its target of 60%',
    ],
  };
  return {
    cluster,
    workload: {
      kind: 'Rollout',
      name: 'content-api',
      namespace: 'content',
      desired: 3,
      ready: 3,
      available: 3,
      updated: cluster === 'us' ? 1 : 3,
      strategy: 'canary',
      rollout,
      template: [template],
    },
    pods: pods({
      now,
      container: 'content-api',
      hash: '6d9f7c',
      count: 3,
      template,
      usage: { cpu: 0.25, memory: 300 * MiB },
    }),
    hpa,
    pdb: {
      name: 'content-api',
      minAvailable: '2',
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
    },
    warnings: [],
    health: healthy,
  };
}

function queueWorker(options: {
  now: Date;
  cluster: string;
  container: 'content-builder' | 'content-bundler';
  min: number;
  max: number;
  threshold: number;
  queueDepth: number;
  ready: number;
  desired: number;
  template: LiveContainerResources;
  usage: { cpu: number; memory: number };
}): ContainerRegionState {
  const { now, cluster, container } = options;
  const metric = `s0-nats-jetstream-${container}-queue-depth`;
  const hpa: LiveHpa = {
    name: `keda-hpa-${container}`,
    namespace: 'content',
    target: { kind: 'Deployment', name: container },
    min: options.min,
    max: options.max,
    current: options.ready,
    desired: options.desired,
    metrics: [
      {
        type: 'External',
        name: metric,
        targetType: 'Value',
        target: options.threshold,
        current: options.queueDepth,
        description: `${metric}: ${options.queueDepth} (target ${options.threshold} in total)`,
      },
    ],
    conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'SucceededRescale' },
    ],
    lastScaleTime: minutesAgo(now, 4),
    scaledObject: {
      name: container,
      triggers: [
        {
          type: 'nats-jetstream',
          metadata: {
            stream: `${container}-queue-depth`,
            consumer: `${container}-worker`,
            lagThreshold: String(options.threshold),
          },
        },
      ],
    },
    explanation:
      options.desired > options.ready
        ? [
            `scaling up from ${options.ready} to ${options.desired}: queue depth ${options.queueDepth} is above its target of ${options.threshold}`,
          ]
        : [`steady: queue depth ${options.queueDepth} is within its target`],
  };
  const running = pods({
    now,
    container,
    hash: '5d8f',
    count: options.ready,
    template: options.template,
    usage: options.usage,
  });
  return {
    cluster,
    workload: {
      kind: 'Deployment',
      name: container,
      namespace: 'content',
      desired: options.desired,
      ready: options.ready,
      available: options.ready,
      updated: options.desired,
      strategy: 'RollingUpdate',
      template: [options.template],
    },
    pods: running,
    hpa,
    warnings: [],
    health: healthy,
  };
}

function contentBuilder(now: Date, cluster: string): ContainerRegionState {
  const memoryLimit = cluster === 'me' ? 4 * GiB : 8 * GiB;
  const template = resources(
    'content-builder',
    [1, 4],
    [2 * GiB, memoryLimit],
  );
  const state = queueWorker({
    now,
    cluster,
    container: 'content-builder',
    min: 2,
    max: 30,
    threshold: 50,
    queueDepth: cluster === 'us' ? 120 : 10,
    ready: cluster === 'us' ? 3 : 2,
    desired: cluster === 'us' ? 5 : 2,
    template,
    usage: { cpu: 1.5, memory: 3 * GiB },
  });
  if (cluster !== 'eu') return state;
  const crashing: LivePod = {
    ...state.pods[1],
    ready: false,
    restarts: 4,
    lastTerminationReason: 'OOMKilled',
  };
  const warning: LiveEvent = {
    reason: 'BackOff',
    message: `Back-off restarting failed container content-builder in pod ${crashing.name}`,
    object: `Pod/${crashing.name}`,
    count: 4,
    lastSeen: minutesAgo(now, 4),
  };
  return {
    ...state,
    workload: { ...state.workload!, ready: 1, available: 1 },
    pods: [state.pods[0], crashing],
    warnings: [warning],
    health: {
      level: 'degraded',
      reasons: ['1 of 2 pods ready; last termination OOMKilled'],
    },
  };
}

function contentBundler(now: Date, cluster: string): ContainerRegionState {
  return queueWorker({
    now,
    cluster,
    container: 'content-bundler',
    min: 3,
    max: 50,
    threshold: 200,
    queueDepth: 40,
    ready: 3,
    desired: 3,
    template: resources('content-bundler', [0.5, 2], [GiB, 2 * GiB]),
    usage: { cpu: 0.8, memory: 1.2 * GiB },
  });
}

function containerSnapshot(
  name: string,
  regions: ContainerRegionState[],
): ContainerSnapshot {
  const levels = regions.map(r => r.health.level);
  return {
    container: name,
    entityRef: `component:default/${name}`,
    declared: true,
    regions,
    health: levels.includes('degraded')
      ? {
          level: 'degraded',
          reasons: regions.flatMap(r => r.health.reasons),
        }
      : healthy,
  };
}

export interface SnapshotFixtureOptions {
  /** The time the snapshot is generated at; ages are relative to it. */
  now?: Date;
}

/** content-service in four regions; see the file's comment for what is unusual. */
export function buildSnapshot(
  options: SnapshotFixtureOptions = {},
): EntitySnapshot {
  const now = options.now ?? new Date();
  const clusters: ClusterState[] = REGIONS.map(name =>
    name === 'eu'
      ? {
          name,
          status: 'stale',
          lastSyncAt: minutesAgo(now, 3),
          error: 'watch failed: connect ECONNREFUSED 10.20.0.1:6443',
        }
      : { name, status: 'live', lastSyncAt: now.toISOString() },
  );
  return {
    entityRef: SERVICE_REF,
    generatedAt: now.toISOString(),
    clusters,
    containers: [
      containerSnapshot(
        'content-api',
        REGIONS.map(r => contentApi(now, r)),
      ),
      containerSnapshot(
        'content-builder',
        REGIONS.map(r => contentBuilder(now, r)),
      ),
      containerSnapshot(
        'content-bundler',
        REGIONS.map(r => contentBundler(now, r)),
      ),
    ],
    drift: [
      {
        kind: 'memory-limit',
        container: 'content-builder',
        cluster: 'me',
        declared: '8Gi',
        actual: '4Gi',
        message: 'memory limit is 4Gi in me; the document declares 8Gi',
      },
    ],
  };
}

/** The snapshot of one container entity, as the backend returns it for that entity. */
export function buildContainerSnapshot(
  name: string,
  options: SnapshotFixtureOptions = {},
): EntitySnapshot {
  const service = buildSnapshot(options);
  return {
    ...service,
    entityRef: `component:default/${name}`,
    containers: service.containers.filter(c => c.container === name),
    drift: service.drift.filter(f => f.container === name),
  };
}

/**
 * A copy of the snapshot where a container runs `ready` of `desired` replicas in a
 * cluster, generated a second later: what a refetch after a signal returns.
 */
export function withReplicas(
  snapshot: EntitySnapshot,
  change: { container: string; cluster: string; ready: number; desired: number },
): EntitySnapshot {
  const copy: EntitySnapshot = JSON.parse(JSON.stringify(snapshot));
  const region = copy.containers
    .find(c => c.container === change.container)
    ?.regions.find(r => r.cluster === change.cluster);
  if (!region?.workload) {
    throw new Error(`no ${change.container} in ${change.cluster}`);
  }
  region.workload.ready = change.ready;
  region.workload.available = change.ready;
  region.workload.desired = change.desired;
  if (region.hpa) {
    region.hpa.current = change.ready;
    region.hpa.desired = change.desired;
  }
  copy.generatedAt = new Date(
    Date.parse(snapshot.generatedAt) + 1000,
  ).toISOString();
  return copy;
}

/** A snapshot in which no cluster runs anything for the entity. */
export function buildEmptySnapshot(
  options: SnapshotFixtureOptions = {},
): EntitySnapshot {
  return { ...buildSnapshot(options), containers: [], drift: [] };
}

/**
 * Seven samples, ten minutes apart, per container and region: replicas climbing
 * towards the snapshot's desired count, and each HPA metric's value.
 */
export function buildHistory(
  snapshot: EntitySnapshot,
  options: SnapshotFixtureOptions = {},
): ScalingHistory {
  const now = options.now ?? new Date(snapshot.generatedAt);
  const samples: ScalingSample[] = [];
  for (let step = 6; step >= 0; step--) {
    for (const c of snapshot.containers) {
      for (const region of c.regions) {
        if (!region.workload) continue;
        const { desired, ready } = region.workload;
        samples.push({
          at: minutesAgo(now, step * 10),
          cluster: region.cluster,
          container: c.container,
          desired: step > 2 ? Math.min(desired, ready) : desired,
          ready: step > 1 ? Math.min(desired, ready) : ready,
          min: region.hpa?.min,
          max: region.hpa?.max,
          metrics: Object.fromEntries(
            (region.hpa?.metrics ?? []).map(m => [
              m.name,
              Math.round((m.current ?? 0) * (1 - step * 0.1)),
            ]),
          ),
        });
      }
    }
  }
  return {
    entityRef: snapshot.entityRef,
    from: minutesAgo(now, 60),
    to: now.toISOString(),
    samples,
  };
}
