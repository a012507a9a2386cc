import { DeclaredContainer } from '../declared/types';
import { formatQuantity } from '../declared/format';
import { findDrift, LiveContainer, metricMatchesTrigger } from './drift';
import { explainHpa } from './explainHpa';
import { classifyRegion, combineHealth, worstLevel } from './health';
import { ClusterState, LiveHpa, LivePod, LiveWorkload } from './types';

const GI = 2 ** 30;
const MI = 2 ** 20;

const declaredWorker: DeclaredContainer = {
  service: 'component:default/authoring-service',
  container: 'authoring-worker',
  scaling: {
    min: 2,
    max: 10,
    text: 'outbox backlog > 5000',
    source: 'doc#L18',
    triggers: [
      {
        metric: 'outbox-backlog',
        metricText: 'outbox backlog',
        comparison: '>',
        threshold: 5000,
        basis: 'total',
      },
    ],
  },
  resources: {
    cpu: {
      request: { text: '250m', value: 0.25 },
      limit: { text: '1', value: 1 },
    },
    memory: {
      request: { text: '512Mi', value: 512 * MI },
      limit: { text: '1Gi', value: GI },
    },
    source: 'doc#L30',
  },
};

const declaredApi: DeclaredContainer = {
  service: 'component:default/authoring-service',
  container: 'authoring-api',
  scaling: {
    min: 3,
    max: 30,
    text: 'CPU > 60% or active-editors > 100/pod',
    source: 'doc#L16',
    triggers: [
      {
        metric: 'cpu',
        metricText: 'CPU',
        comparison: '>',
        threshold: 60,
        basis: 'percent',
      },
      {
        metric: 'active-editors',
        metricText: 'active-editors',
        comparison: '>',
        threshold: 100,
        basis: 'perPod',
      },
    ],
  },
};

const workload = (
  name: string,
  overrides: Partial<LiveWorkload> = {},
): LiveWorkload => ({
  kind: 'Deployment',
  name,
  namespace: 'authoring',
  desired: 2,
  ready: 2,
  available: 2,
  updated: 2,
  template: [
    {
      name,
      requests: { cpu: 0.25, memory: 512 * MI },
      limits: { cpu: 1, memory: GI },
    },
  ],
  ...overrides,
});

const hpa = (overrides: Partial<LiveHpa> = {}): LiveHpa => ({
  name: 'keda-hpa-authoring-worker',
  namespace: 'authoring',
  target: { kind: 'Deployment', name: 'authoring-worker' },
  min: 2,
  max: 10,
  current: 2,
  desired: 2,
  metrics: [
    {
      type: 'External',
      name: 's0-nats-jetstream-authoring-worker-outbox-backlog',
      targetType: 'Value',
      target: 5000,
      current: 1200,
      description: '',
    },
  ],
  conditions: [],
  explanation: [],
  ...overrides,
});

const pod = (name: string, overrides: Partial<LivePod> = {}): LivePod => ({
  name,
  namespace: 'authoring',
  phase: 'Running',
  ready: true,
  restarts: 0,
  terminating: false,
  containers: [],
  ...overrides,
});

const live: ClusterState = {
  name: 'us',
  status: 'live',
  lastSyncAt: '2026-11-22T11:00:00.000Z',
};

describe('findDrift', () => {
  const clusters: ClusterState[] = [
    live,
    { name: 'eu', status: 'live' },
    { name: 'ap', status: 'syncing' },
  ];

  it('finds nothing when the cluster runs what the document declares', () => {
    const containers: LiveContainer[] = [
      {
        container: 'authoring-worker',
        regions: ['us', 'eu'].map(cluster => ({
          cluster,
          workload: workload('authoring-worker'),
          hpa: hpa(),
        })),
      },
    ];
    expect(findDrift([declaredWorker], containers, clusters)).toEqual([]);
  });

  it('reports a changed max, a changed memory limit and a changed threshold with both values', () => {
    const containers: LiveContainer[] = [
      {
        container: 'authoring-worker',
        regions: [
          {
            cluster: 'eu',
            workload: workload('authoring-worker', {
              template: [
                {
                  name: 'authoring-worker',
                  requests: { cpu: 0.25, memory: 512 * MI },
                  limits: { cpu: 1, memory: 2 * GI },
                },
              ],
            }),
            hpa: hpa({
              max: 40,
              metrics: [{ ...hpa().metrics[0], target: 2000 }],
            }),
          },
          { cluster: 'us', workload: workload('authoring-worker'), hpa: hpa() },
        ],
      },
    ];
    const findings = findDrift([declaredWorker], containers, clusters);
    expect(
      findings.map(f => [f.cluster, f.kind, f.declared, f.actual]),
    ).toEqual([
      ['eu', 'max', '10', '40'],
      [
        'eu',
        'threshold',
        'outbox backlog > 5000 in total',
        's0-nats-jetstream-authoring-worker-outbox-backlog 2000 in total',
      ],
      ['eu', 'memory-limit', '1Gi', '2Gi'],
    ]);
    expect(findings[0].message).toBe(
      'eu: authoring-worker max replicas 40, declared 10',
    );
  });

  it('reports containers declared but not deployed, and workloads deployed but not declared, only in synced clusters', () => {
    const containers: LiveContainer[] = [
      {
        container: 'authoring-worker',
        regions: [
          { cluster: 'us', workload: workload('authoring-worker'), hpa: hpa() },
        ],
      },
      {
        container: 'debug-shell',
        regions: [{ cluster: 'us', workload: workload('debug-shell') }],
      },
    ];
    const findings = findDrift([declaredWorker], containers, clusters);
    expect(findings.map(f => `${f.cluster}/${f.container}/${f.kind}`)).toEqual([
      'us/debug-shell/not-declared',
      'eu/authoring-worker/not-deployed',
    ]);
    expect(
      findDrift([declaredWorker], containers, clusters, false).map(f => f.kind),
    ).toEqual(['not-deployed']);
  });

  it('reports a missing trigger, an undeclared trigger, a wrong target type and a missing autoscaler', () => {
    const apiHpa = hpa({
      min: 3,
      max: 30,
      metrics: [
        {
          type: 'Resource',
          name: 'cpu',
          targetType: 'AverageValue',
          target: 0.6,
          description: '',
        },
        {
          type: 'Pods',
          name: 'requests_per_second',
          targetType: 'AverageValue',
          target: 50,
          description: '',
        },
      ],
    });
    const findings = findDrift(
      [declaredApi, declaredWorker],
      [
        {
          container: 'authoring-api',
          regions: [
            { cluster: 'us', workload: workload('authoring-api'), hpa: apiHpa },
          ],
        },
        {
          container: 'authoring-worker',
          regions: [{ cluster: 'us', workload: workload('authoring-worker') }],
        },
      ],
      [live],
    );
    expect(findings.map(f => f.message)).toEqual([
      'us: authoring-api scales on cpu 0.6 per pod, declared CPU > 60% of request',
      'us: authoring-api does not scale on active-editors > 100 per pod',
      'us: authoring-api also scales on requests_per_second 50 per pod, which is not declared',
      'us: authoring-worker has no autoscaler; declared 2-10 on outbox backlog > 5000',
    ]);
  });

  it('matches snake_case pod metrics and KEDA stream metrics to the declared metric', () => {
    const trigger = declaredApi.scaling!.triggers[1];
    expect(metricMatchesTrigger({ name: 'active_editors' }, trigger)).toBe(
      true,
    );
    expect(
      metricMatchesTrigger({ name: 'inactive_editors_total' }, trigger),
    ).toBe(false);
    expect(
      metricMatchesTrigger(
        { name: 's0-nats-jetstream-content-builder-queue-depth' },
        {
          ...trigger,
          metric: 'queue-depth',
        },
      ),
    ).toBe(true);
  });
});

describe('classifyRegion', () => {
  const base = {
    cluster: 'us',
    workload: workload('authoring-worker'),
    pods: [pod('a'), pod('b')],
  };

  it('is healthy when every desired pod is ready', () => {
    expect(classifyRegion(base, live, true)).toEqual({
      level: 'healthy',
      reasons: [],
    });
  });

  it('is degraded with fewer ready pods, OOM kills, crash loops or an HPA at max', () => {
    const health = classifyRegion(
      {
        ...base,
        pods: [
          pod('a', { ready: false }),
          pod('b', { lastTerminationReason: 'OOMKilled', restarts: 1 }),
          pod('c', { restarts: 7 }),
        ],
        hpa: hpa({
          conditions: [
            {
              type: 'ScalingLimited',
              status: 'True',
              reason: 'TooManyReplicas',
            },
          ],
        }),
      },
      live,
      true,
    );
    expect(health.level).toBe('degraded');
    expect(health.reasons).toEqual([
      'b was OOMKilled',
      'c restarted 7 times',
      'autoscaler at max replicas (10)',
    ]);
    expect(
      classifyRegion(
        { ...base, pods: [pod('a'), pod('b', { ready: false })] },
        live,
        true,
      ).reasons,
    ).toEqual(['1/2 pods ready']);
  });

  it('is down with no ready pod, when declared but not deployed, or when the rollout is degraded', () => {
    expect(
      classifyRegion(
        { ...base, pods: [pod('a', { ready: false })] },
        live,
        true,
      ),
    ).toEqual({
      level: 'down',
      reasons: ['no ready pods (0/2)'],
    });
    expect(classifyRegion({ cluster: 'us', pods: [] }, live, true).level).toBe(
      'down',
    );
    expect(classifyRegion({ cluster: 'us', pods: [] }, live, false).level).toBe(
      'healthy',
    );
    const degraded = workload('content-api', {
      kind: 'Rollout',
      rollout: {
        strategy: 'canary',
        phase: 'Degraded',
        message: 'ProgressDeadlineExceeded',
        paused: false,
        aborted: false,
      },
    });
    expect(
      classifyRegion({ ...base, workload: degraded }, live, true).reasons,
    ).toEqual(['rollout degraded: ProgressDeadlineExceeded']);
  });

  it('ignores terminating pods and is unknown for a stale or syncing cluster', () => {
    const terminating = {
      ...base,
      pods: [pod('a'), pod('b'), pod('c', { ready: false, terminating: true })],
    };
    expect(classifyRegion(terminating, live, true).level).toBe('healthy');
    const stale: ClusterState = {
      name: 'us',
      status: 'stale',
      lastSyncAt: '2026-11-22T10:58:00.000Z',
    };
    expect(classifyRegion(base, stale, true)).toEqual({
      level: 'unknown',
      reasons: ['data from 2026-11-22T10:58:00.000Z (cluster not answering)'],
    });
    expect(
      classifyRegion(base, { name: 'us', status: 'syncing' }, true).level,
    ).toBe('unknown');
  });

  it('orders levels healthy < unknown < degraded < down', () => {
    expect(worstLevel(['healthy', 'unknown'])).toBe('unknown');
    expect(worstLevel(['down', 'degraded', 'unknown'])).toBe('down');
    expect(combineHealth([]).level).toBe('unknown');
    expect(
      combineHealth([
        { level: 'degraded', reasons: ['x'] },
        { level: 'healthy', reasons: [] },
      ]),
    ).toEqual({
      level: 'degraded',
      reasons: ['x'],
    });
  });
});

describe('explainHpa', () => {
  it('says it is at max since when, and which metric drives it', () => {
    const lines = explainHpa(
      hpa({
        current: 10,
        desired: 10,
        metrics: [{ ...hpa().metrics[0], current: 9000 }],
        conditions: [
          { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
          {
            type: 'ScalingActive',
            status: 'True',
            reason: 'ValidMetricFound',
            message: 'the HPA was able to …',
          },
          {
            type: 'ScalingLimited',
            status: 'True',
            reason: 'TooManyReplicas',
            since: '2026-11-22T14:02:31.000Z',
          },
        ],
        scaledObject: { name: 'authoring-worker', triggers: [] },
      }),
    );
    expect(lines).toEqual([
      'at max replicas (10) since 14:02 UTC: the metrics ask for more',
      'driven by s0-nats-jetstream-authoring-worker-outbox-backlog: 9000 in total (target 5000)',
      'managed by KEDA ScaledObject authoring-worker',
    ]);
  });

  it('says which metric it cannot read and that it is scaling', () => {
    const lines = explainHpa(
      hpa({
        current: 2,
        desired: 4,
        metrics: [{ ...hpa().metrics[0], current: undefined }],
        conditions: [
          {
            type: 'ScalingActive',
            status: 'False',
            reason: 'FailedGetExternalMetric',
            message:
              'unable to get external metric s0-nats-jetstream: no such stream',
            since: '2026-11-22T09:15:00.000Z',
          },
        ],
      }),
    );
    expect(lines).toEqual([
      'cannot read metrics since 09:15 UTC: unable to get external metric s0-nats-jetstream: no such stream',
      'scaling up from 2 to 4',
    ]);
  });

  it('says when it rests at its minimum', () => {
    expect(explainHpa(hpa())).toEqual([
      'at min replicas (2)',
      'below target: s0-nats-jetstream-authoring-worker-outbox-backlog: 1200 in total (target 5000)',
    ]);
  });
});

describe('formatQuantity', () => {
  it.each([
    [0.5, 'cpu', '500m'],
    [1.5, 'cpu', '1.5'],
    [2 * GI, 'memory', '2Gi'],
    [1.5 * GI, 'memory', '1.5Gi'],
    [512 * MI, 'memory', '512Mi'],
    [1000, 'memory', '1000'],
  ] as const)('%s %s -> %s', (value, kind, text) => {
    expect(formatQuantity(value, kind)).toBe(text);
  });
});
