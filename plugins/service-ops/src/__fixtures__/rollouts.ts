import type { Entity } from '@backstage/catalog-model';
import type {
  EntityRollout,
  RolloutPreview,
  RolloutRegionView,
} from '@internal/backstage-plugin-service-ops-common';

export const CONTENT_API_REF = 'component:default/content-api';

export const contentApiEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'content-api',
    namespace: 'default',
    annotations: { 'backstage.io/kubernetes-id': 'content-api' },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/content-team',
    subcomponentOf: 'component:default/content-service',
  },
};

const STEPS = [
  { index: 0, kind: 'setWeight' as const, title: 'set weight 10%', weight: 10 },
  { index: 1, kind: 'pause' as const, title: 'pause until promoted' },
  { index: 2, kind: 'setWeight' as const, title: 'set weight 50%', weight: 50 },
  { index: 3, kind: 'pause' as const, title: 'pause until promoted' },
  { index: 4, kind: 'setWeight' as const, title: 'set weight 100%', weight: 100 },
];

/** content-api in one region, paused at step `stepIndex` of its canary. */
export function buildCanaryRegion(
  cluster: string,
  overrides: Partial<RolloutRegionView> = {},
): RolloutRegionView {
  const stepIndex = overrides.stepIndex ?? 1;
  return {
    cluster,
    namespace: 'content',
    workload: 'content-api',
    strategy: 'canary',
    state: 'paused',
    phase: 'Paused',
    message: 'CanaryPauseStep',
    desired: 4,
    stepIndex,
    stepCount: 5,
    steps: STEPS.map(s => {
      let status: 'done' | 'current' | 'pending' = 'pending';
      if (s.index < stepIndex) status = 'done';
      if (s.index === stepIndex) status = 'current';
      return { ...s, status };
    }),
    weight: stepIndex >= 3 ? 50 : 10,
    paused: true,
    pauseReason: 'CanaryPauseStep',
    pausedSince: '2026-11-20T09:50:00.000Z',
    aborted: false,
    stableHash: 'stable1',
    podHash: 'canary2',
    groups: [
      {
        role: 'stable',
        hash: 'stable1',
        pods: 3,
        ready: 3,
        restarts: 0,
        terminating: 0,
        cpuOfRequest: 40,
        podNames: [],
      },
      {
        role: 'canary',
        hash: 'canary2',
        pods: 1,
        ready: 1,
        restarts: 0,
        terminating: 0,
        podNames: [],
      },
    ],
    analysis: { declared: false, runs: [] },
    signals: [
      'stable 3/3 Ready, 0 restarts, CPU 40% of request',
      'canary 1/1 Ready, 0 restarts',
    ],
    health: { level: 'healthy', reasons: [] },
    expected: { stepIndex, podHash: 'canary2', aborted: false },
    actions: {
      promote: { allowed: true },
      'promote-full': { allowed: true },
      abort: { allowed: true },
      retry: { allowed: false, reason: 'only an aborted rollout can be retried' },
    },
    ...overrides,
  };
}

export function buildEntityRollout(
  regions: RolloutRegionView[] = ['us', 'eu', 'me', 'ap'].map(c =>
    buildCanaryRegion(c),
  ),
): EntityRollout {
  return {
    entityRef: CONTENT_API_REF,
    container: 'content-api',
    generatedAt: '2026-11-20T10:00:00.000Z',
    regions,
    missing: [],
  };
}

export function buildRolloutPreview(
  rollout: EntityRollout,
  action: RolloutPreview['action'],
  clusters: string[],
): RolloutPreview {
  return {
    kind:
      action === 'promote-full'
        ? 'rollout-promote-full'
        : (`rollout-${action}` as RolloutPreview['kind']),
    action,
    entityRef: rollout.entityRef,
    container: rollout.container,
    regions: clusters.map(cluster => {
      const view = rollout.regions.find(r => r.cluster === cluster)!;
      return {
        cluster,
        view,
        availability: view.actions[action],
        effect:
          'from step 1 (pause until promoted, 10%) to step 3 (pause until promoted, 50%)',
        patches: [
          { target: 'status', body: { status: { pauseConditions: null } } },
        ],
      };
    }),
    approvalsRequired: action === 'promote-full' ? 1 : 0,
    warnings: [],
  };
}
