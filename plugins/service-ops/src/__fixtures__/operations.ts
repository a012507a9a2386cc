/**
 * The collab drain's side of the fixtures: authoring-service's collab container as the
 * catalog module generates it, its live state in the four regions, a drain preview for
 * eu and drains in every state, as the backend answers them.
 */
import type { Entity } from '@backstage/catalog-model';
import type {
  CollabDrainPreview,
  ContainerRegionState,
  EntitySnapshot,
  LivePod,
  Operation,
  OperationList,
  OperationStep,
} from '@internal/backstage-plugin-service-ops-common';
import type { ServiceOpsApi } from '../api';
import { REGIONS } from './snapshots';

export const COLLAB_REF = 'component:default/authoring-collab';
export const NOW = '2026-11-20T10:00:00.000Z';

const DOC =
  'file:///repo/docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md';

export const collabEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'authoring-collab',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'authoring-collab' },
  },
  spec: {
    type: 'websocket',
    lifecycle: 'production',
    owner: 'group:default/authoring-team',
    subcomponentOf: 'component:default/authoring-service',
    serviceOps: {
      service: 'component:default/authoring-service',
      container: 'authoring-collab',
      scaling: { min: 2, max: 20, source: `${DOC}#L40` },
    },
  },
  relations: [
    { type: 'partOf', targetRef: 'component:default/authoring-service' },
  ],
};

const secondsAfter = (at: string, seconds: number) =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();

/** The collab pods of a region: `authoring-collab-7d9f6c-<region><n>`. */
export function collabPodNames(region: string, count = 3): string[] {
  return Array.from(
    { length: count },
    (_, i) => `authoring-collab-7d9f6c-${region}${i + 1}x`,
  );
}

function collabRegion(cluster: string): ContainerRegionState {
  const pods: LivePod[] = collabPodNames(cluster).map((name, i) => ({
    name,
    namespace: 'authoring',
    phase: 'Running',
    ready: true,
    restarts: 0,
    createdAt: secondsAfter(NOW, -3600 * (3 - i)),
    terminating: false,
    containers: [],
  }));
  return {
    cluster,
    workload: {
      kind: 'Deployment',
      name: 'authoring-collab',
      namespace: 'authoring',
      desired: 3,
      ready: 3,
      available: 3,
      updated: 3,
      strategy: 'Recreate',
      template: [],
    },
    pods,
    pdb: {
      name: 'authoring-collab',
      minAvailable: '2',
      currentHealthy: 3,
      desiredHealthy: 2,
      disruptionsAllowed: 1,
    },
    warnings: [],
    health: { level: 'healthy', reasons: [] },
  };
}

/** authoring-collab running three pods in each of the four regions. */
export function buildCollabSnapshot(): EntitySnapshot {
  return {
    entityRef: COLLAB_REF,
    generatedAt: NOW,
    clusters: REGIONS.map(name => ({ name, status: 'live', lastSyncAt: NOW })),
    containers: [
      {
        container: 'authoring-collab',
        entityRef: COLLAB_REF,
        declared: true,
        regions: REGIONS.map(collabRegion),
        health: { level: 'healthy', reasons: [] },
      },
    ],
    drift: [],
  };
}

/** What the backend previews for a drain of `pods` (all three by default) in `cluster`. */
export function buildPreview(
  options: { cluster?: string; pods?: string[]; noticeSeconds?: number } = {},
): CollabDrainPreview {
  const cluster = options.cluster ?? 'eu';
  const names = options.pods ?? collabPodNames(cluster);
  const noticeSeconds = options.noticeSeconds ?? 300;
  const sessions = names.map((_, i) => [42, 17, 0][i % 3]);
  const total = sessions.reduce((sum, n) => sum + n, 0);
  return {
    kind: 'collab-drain',
    entityRef: COLLAB_REF,
    cluster,
    namespace: 'authoring',
    workload: 'authoring-collab',
    pods: names.map((name, i) => ({
      name,
      ready: true,
      sessions: sessions[i],
    })),
    noticeSeconds,
    estimatedSeconds: noticeSeconds + names.length * 60,
    disruptionBudget: { name: 'authoring-collab', disruptionsAllowed: 1 },
    dryRun: { allowed: true },
    warnings:
      total > 0
        ? [
            `${total} connected session(s) will be asked to move within ${noticeSeconds} s`,
          ]
        : [],
  };
}

function steps(
  pods: string[],
  noticeSeconds: number,
  statuses: Array<Partial<OperationStep>>,
): OperationStep[] {
  const base: OperationStep[] = [
    {
      id: 'notify',
      title: `Notify the clients of ${pods.length} pod(s)`,
      status: 'pending',
    },
    {
      id: 'wait',
      title: `Wait ${noticeSeconds} s for clients to move`,
      status: 'pending',
    },
    ...pods.map(pod => ({
      id: `evict:${pod}`,
      title: `Evict ${pod} and wait for its replacement`,
      status: 'pending' as const,
    })),
    { id: 'verify', title: 'Sessions reconnected', status: 'pending' },
  ];
  return base.map((step, i) => ({ ...step, ...statuses[i] }));
}

interface OperationFixtureOptions {
  id?: string;
  cluster?: string;
  createdAt?: string;
}

function operation(
  options: OperationFixtureOptions,
  rest: Pick<Operation, 'state' | 'steps'> & Partial<Operation>,
): Operation {
  const createdAt = options.createdAt ?? secondsAfter(NOW, -60);
  const cluster = options.cluster ?? 'eu';
  return {
    id: options.id ?? '6f1d9a52-3c0e-4e8a-9b7c-2d4f5e6a7b8c',
    kind: 'collab-drain',
    entityRef: COLLAB_REF,
    cluster,
    parameters: { cluster, noticeSeconds: 300 },
    actor: 'user:default/dana.author',
    reason: 'Roll the collab pods onto the patched node image',
    incidentUrl: 'https://incidents.example.com/INC-2041',
    createdAt,
    updatedAt: createdAt,
    startedAt: secondsAfter(createdAt, 1),
    ...rest,
  };
}

/**
 * A drain in its notice: the clients were told a second after it was asked for, the
 * notice (300 s) runs; the executor wakes up every 5 s (`waitingUntil`).
 */
export function buildWaitingOperation(
  options: OperationFixtureOptions = {},
): Operation {
  const pods = collabPodNames(options.cluster ?? 'eu');
  const createdAt = options.createdAt ?? secondsAfter(NOW, -60);
  return operation(options, {
    state: 'running',
    steps: steps(pods, 300, [
      {
        status: 'succeeded',
        startedAt: secondsAfter(createdAt, 1),
        finishedAt: secondsAfter(createdAt, 2),
        detail: `3 pod(s) notified; 59 session(s) asked to move by ${secondsAfter(
          createdAt,
          301,
        )}`,
      },
      {
        status: 'running',
        startedAt: secondsAfter(createdAt, 2),
        detail: `21 session(s) left on the notified pods; evictions start at ${secondsAfter(
          createdAt,
          301,
        )}`,
        series: {
          label: 'sessions left on the notified pods',
          points: [
            { at: secondsAfter(createdAt, 2), value: 59 },
            { at: secondsAfter(createdAt, 120), value: 40 },
            { at: secondsAfter(createdAt, 240), value: 21 },
          ],
        },
      },
    ]),
    waitingUntil: secondsAfter(createdAt, 65),
  });
}

/** A drain evicting its second pod. */
export function buildEvictingOperation(
  options: OperationFixtureOptions = {},
): Operation {
  const pods = collabPodNames(options.cluster ?? 'eu');
  const at = options.createdAt ?? secondsAfter(NOW, -400);
  return operation(
    { ...options, createdAt: at },
    {
      state: 'running',
      steps: steps(pods, 300, [
        { status: 'succeeded', detail: '3 pod(s) notified' },
        { status: 'succeeded', detail: '0 session(s) left' },
        { status: 'succeeded', detail: 'replaced; 3 pod(s) Ready' },
        {
          status: 'running',
          detail: 'waiting for the replacement: 2 of 3 pod(s) Ready',
        },
      ]),
    },
  );
}

/** A drain that finished: every step succeeded. */
export function buildSucceededOperation(
  options: OperationFixtureOptions = {},
): Operation {
  const pods = collabPodNames(options.cluster ?? 'eu');
  const createdAt = options.createdAt ?? secondsAfter(NOW, -7200);
  return operation(
    { ...options, createdAt },
    {
      state: 'succeeded',
      steps: steps(
        pods,
        300,
        [
          { detail: '3 pod(s) notified' },
          { detail: '0 session(s) left' },
          ...pods.map(() => ({ detail: 'replaced; 3 pod(s) Ready' })),
          { detail: '58 of 59 session(s) back (90% needed)' },
        ].map(s => ({ ...s, status: 'succeeded' as const })),
      ),
      finishedAt: secondsAfter(createdAt, 512),
    },
  );
}

/** A drain that failed on its first eviction (the replacement never became Ready). */
export function buildFailedOperation(
  options: OperationFixtureOptions = {},
): Operation {
  const pods = collabPodNames(options.cluster ?? 'us');
  const createdAt = options.createdAt ?? secondsAfter(NOW, -86_400);
  const error = `the replacement of ${pods[0]} was not Ready within 600 s`;
  return operation(
    { ...options, cluster: options.cluster ?? 'us', createdAt },
    {
      state: 'failed',
      actor: 'user:default/sam.oncall',
      reason: 'Collab pods leak memory after the Yjs upgrade',
      incidentUrl: undefined,
      steps: steps(pods, 300, [
        { status: 'succeeded', detail: '3 pod(s) notified' },
        { status: 'succeeded', detail: '0 session(s) left' },
        { status: 'failed', detail: error },
      ]),
      error,
      finishedAt: secondsAfter(createdAt, 930),
    },
  );
}

/** Operation lists as `GET /operations` answers them. */
export function buildOperationList(items: Operation[]): OperationList {
  return { items, totalCount: items.length };
}

/**
 * The operations methods of the API answering with nothing running and an empty
 * history, for fakes of the API in tests of other views.
 */
export function operationsApiFixtures(): Pick<
  ServiceOpsApi,
  | 'previewCollabDrain'
  | 'startCollabDrain'
  | 'getOperations'
  | 'getOperation'
  | 'cancelOperation'
  | 'approveOperation'
  | 'getRollout'
  | 'previewRollout'
  | 'startRollout'
> {
  return {
    getRollout: async ({ entityRef }) => ({
      entityRef,
      container: entityRef.replace(/^.*\//, ''),
      generatedAt: new Date().toISOString(),
      regions: [],
      missing: [],
    }),
    previewRollout: async target => ({
      kind: 'rollout-promote',
      action: target.action,
      entityRef: target.entityRef,
      container: target.entityRef.replace(/^.*\//, ''),
      regions: [],
      approvalsRequired: 0,
      warnings: [],
    }),
    startRollout: async () => buildWaitingOperation(),
    previewCollabDrain: async target => buildPreview(target),
    startCollabDrain: async () => buildWaitingOperation(),
    getOperations: async () => buildOperationList([]),
    getOperation: async () => buildWaitingOperation(),
    cancelOperation: async () => ({
      ...buildWaitingOperation(),
      state: 'cancelling',
    }),
    approveOperation: async () => ({
      ...buildWaitingOperation(),
      state: 'pending',
    }),
  };
}
