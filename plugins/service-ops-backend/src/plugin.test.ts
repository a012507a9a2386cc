import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  createServiceFactory,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  EntitySnapshot,
  liveStateChannel,
  ScalingHistory,
} from '@internal/backstage-plugin-service-ops-common';
import { ManualClock, typeOfKind } from '@internal/k8s-emulator';
import { Fleet, findRepoRoot } from '@internal/sandbox-fleet';
import { serviceOpsPlugin } from './plugin';
import { fleetEntities } from './__testUtils__/fleetEntities';

const REGIONS = ['us', 'eu', 'me', 'ap'];
const API = 'component:default/authoring-api';

// One timeout for the file: jest.setTimeout in a describe sets it for every test.
// Simulating six hours of a cluster takes tens of seconds on a busy 2-core machine.
jest.setTimeout(180_000);

describe('service-ops backend against the sandbox fleet', () => {
  let fleet: Fleet;
  let clock: ManualClock;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const published: Array<{ channel: string; message: any }> = [];
  // The mock scheduler runs tasks once at startup and then when triggered.
  const scheduler = mockServices.scheduler();

  const advance = (seconds: number, regions = REGIONS) => {
    for (let s = 0; s < seconds; s += 15) {
      clock.advance(15_000);
      fleet.clusters
        .filter(c => regions.includes(c.region))
        .forEach(c => c.cluster.step());
    }
  };
  const get = (path: string, query: Record<string, string>) =>
    request(backend.server)
      .get(`/api/service-ops${path}`)
      .query(query)
      .set('Authorization', mockCredentials.user.header());
  const snapshot = async (entityRef: string): Promise<EntitySnapshot> => {
    const res = await get('/snapshot', { entityRef });
    expect(res.status).toBe(200);
    return res.body;
  };
  /** Polls the endpoint until `accept` holds (the informers deliver asynchronously). */
  const snapshotWhen = async (
    entityRef: string,
    accept: (s: EntitySnapshot) => boolean,
    timeoutMs = 20_000,
  ) => {
    const started = Date.now();
    let result = await snapshot(entityRef);
    while (!accept(result) && Date.now() - started < timeoutMs) {
      await new Promise(resolve => setTimeout(resolve, 50));
      result = await snapshot(entityRef);
    }
    return result;
  };
  const clusterOf = (region: string) =>
    fleet.clusters.find(c => c.region === region)!;
  /** The pods of a container as the emulator holds them: `name:ready`. */
  const podsInCluster = (region: string, container: string) =>
    clusterOf(region)
      .cluster.store.list(typeOfKind('v1', 'Pod')!)
      .filter(
        p => p.metadata.labels?.['backstage.io/kubernetes-id'] === container,
      )
      .map(
        p =>
          `${p.metadata.name}:${(p.status?.conditions ?? []).some(
            (c: any) => c.type === 'Ready' && c.status === 'True',
          )}`,
      )
      .sort();
  const podsIn = (
    s: EntitySnapshot,
    region: string,
    container = 'authoring-api',
  ) =>
    s.containers
      .find(c => c.container === container)!
      .regions.find(r => r.cluster === region)!
      .pods.map(p => `${p.name}:${p.ready}`)
      .sort();
  const region = (
    s: EntitySnapshot,
    cluster: string,
    container = 'authoring-api',
  ) =>
    s.containers
      .find(c => c.container === container)!
      .regions.find(r => r.cluster === cluster)!;

  beforeAll(async () => {
    // 06:00 in us: every region near its minimum
    clock = new ManualClock(Date.UTC(2026, 10, 22, 11, 0, 0));
    fleet = await Fleet.start({ clock, seed: 42 });
    advance(120);
    backend = await startTestBackend({
      features: [
        serviceOpsPlugin,
        (
          scheduler as SchedulerService & { factory(): ServiceFactory }
        ).factory(),
        catalogServiceMock.factory({
          entities: fleetEntities(findRepoRoot(__dirname)),
        }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: fleet.kubernetesConfig(),
            serviceOps: {
              // No usage samples after the first: the push test needs a quiet fleet.
              liveState: { metricsIntervalSeconds: 3600, pushDebounceMs: 50 },
            },
          },
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async (signal: any) => {
              published.push({
                channel: signal.channel,
                message: signal.message,
              });
            },
          }),
        }),
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await fleet?.stop();
  });

  it("serves authoring-api's rollout, pods, PDB and HPA in all four regions as the clusters hold them", async () => {
    const converged = await snapshotWhen(
      API,
      s =>
        s.clusters.every(c => c.status === 'live') &&
        REGIONS.every(
          r => podsIn(s, r).join() === podsInCluster(r, 'authoring-api').join(),
        ),
    );
    expect(converged.clusters.map(c => `${c.name}:${c.status}`)).toEqual([
      'us:live',
      'eu:live',
      'me:live',
      'ap:live',
    ]);
    expect(converged.containers.map(c => c.container)).toEqual([
      'authoring-api',
    ]);
    expect(converged.containers[0]).toMatchObject({
      declared: true,
      entityRef: API,
    });
    for (const r of REGIONS) {
      const state = region(converged, r);
      expect(podsIn(converged, r)).toEqual(podsInCluster(r, 'authoring-api'));
      expect(state.workload).toMatchObject({
        kind: 'Rollout',
        name: 'authoring-api',
        namespace: 'authoring',
        strategy: 'blueGreen',
      });
      expect(state.workload!.template[0]).toMatchObject({
        name: 'authoring-api',
        requests: { cpu: 0.5 },
      });
      expect(state.pdb).toMatchObject({
        name: 'authoring-api',
        maxUnavailable: '1',
      });
      expect(state.hpa).toMatchObject({ min: 3, max: 30 });
      expect(
        state.hpa!.metrics.map(
          m => `${m.type}/${m.name}/${m.targetType}/${m.target}`,
        ),
      ).toEqual([
        'Resource/cpu/Utilization/60',
        'Pods/active_editors/AverageValue/100',
      ]);
      expect(state.hpa!.explanation.length).toBeGreaterThan(0);
      // usage from the first metrics sample
      expect(
        state.pods.some(p => p.containers[0].usage?.cpu !== undefined),
      ).toBe(true);
    }
    // drift of a container entity is about that container only
    expect(converged.drift).toEqual([]);
  });

  it('sends the snapshot gzipped to a client that accepts it, else as plain JSON, the same either way', async () => {
    const read = (encoding: string) =>
      request(backend.server)
        .get('/api/service-ops/snapshot')
        .query({ entityRef: API })
        .set('Authorization', mockCredentials.user.header())
        .set('Accept-Encoding', encoding);
    const gzipped = await read('gzip, deflate, br');
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/Accept-Encoding/);
    const plain = await read('identity');
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const { generatedAt: _a, clusters: _b, ...fromGzip } = gzipped.body;
    const { generatedAt: _c, clusters: _d, ...fromPlain } = plain.body;
    expect(fromGzip.containers.length).toBeGreaterThan(0);
    expect(fromGzip).toEqual(fromPlain);
  });

  it("groups a service by container and finds the sandbox's deliberate drift, and nothing else", async () => {
    const authoring = await snapshot('component:default/authoring-service');
    expect(authoring.containers.map(c => c.container)).toEqual([
      'authoring-ai-worker',
      'authoring-api',
      'authoring-collab',
      'authoring-worker',
    ]);
    const worker = region(authoring, 'us', 'authoring-worker');
    expect(worker.hpa!.name).toBe('keda-hpa-authoring-worker');
    expect(worker.hpa!.scaledObject?.name).toBe('authoring-worker');
    expect(authoring.drift.map(d => d.message)).toEqual([
      'eu: authoring-worker memory limit 2Gi, declared 1Gi',
    ]);

    const content = await snapshot('component:default/content-service');
    expect(
      content.drift.map(
        d =>
          `${d.cluster}/${d.container}/${d.kind}/${d.declared ?? ''}/${
            d.actual ?? ''
          }`,
      ),
    ).toEqual([
      'us/content-debug-shell/not-declared//Deployment content/content-debug-shell',
      'me/content-bundler/max/50/40',
      'ap/content-exporter/not-deployed/deployed/',
    ]);
    const exporter = content.containers.find(
      c => c.container === 'content-exporter',
    )!;
    expect(region(content, 'ap', 'content-exporter').health).toEqual({
      level: 'down',
      reasons: ['declared but not deployed'],
    });
    expect(exporter.health.level).toBe('down');
    expect(
      content.containers.find(c => c.container === 'content-debug-shell')!
        .declared,
    ).toBe(false);
  });

  it('follows a scale-out without asking the cluster again, and records it in the history', async () => {
    const before = region(await snapshot(API), 'us');
    advance(6 * 3600, ['us']); // 06:00 -> 12:00 in us
    const after = await snapshotWhen(API, s => {
      const us = region(s, 'us');
      return (
        us.workload!.desired > before.workload!.desired &&
        us.hpa!.desired === us.workload!.desired
      );
    });
    const us = region(after, 'us');
    expect(us.workload!.desired).toBeGreaterThan(before.workload!.desired);
    expect(us.hpa!.desired).toBe(us.workload!.desired);
    expect(us.hpa!.lastScaleTime).toBeDefined();

    // The first sample was taken at startup; take one now.
    await new Promise(resolve => setTimeout(resolve, 5)); // a later millisecond
    await scheduler.triggerTask('service-ops-scaling-history');
    const res = await get('/history', {
      entityRef: API,
      window: '1h',
      cluster: 'us',
    });
    expect(res.status).toBe(200);
    const history: ScalingHistory = res.body;
    expect(history.samples.map(s => s.desired)).toEqual([
      before.workload!.desired,
      us.workload!.desired,
    ]);
    expect(
      history.samples.every(
        s => s.cluster === 'us' && s.container === 'authoring-api',
      ),
    ).toBe(true);
    expect(history.samples.at(-1)).toMatchObject({ min: 3, max: 30 });
    expect(Object.keys(history.samples.at(-1)!.metrics).sort()).toEqual([
      'active_editors',
      'cpu',
    ]);
  });

  it('pushes a signal for the entities that changed and not for the others', async () => {
    await snapshot(API);
    await snapshot('component:default/authoring-service');
    await snapshot('component:default/content-api');
    await snapshot('component:default/content-service');
    published.length = 0;
    // A scale of the rollout in eu, as kubectl scale would write it; no controller runs, so
    // nothing else changes.
    const store = clusterOf('eu').cluster.store;
    const rollouts = typeOfKind('argoproj.io/v1alpha1', 'Rollout')!;
    const rollout = store.get(rollouts, 'authoring', 'authoring-api')!;
    store.update(rollouts, {
      ...rollout,
      spec: { ...rollout.spec, replicas: 9 },
    });
    const started = Date.now();
    while (published.length < 2 && Date.now() - started < 10_000) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await new Promise(resolve => setTimeout(resolve, 300)); // anything else would have come by now
    // authoring-api and the service it is part of; nothing of content-service
    expect(published.map(p => p.channel).sort()).toEqual([
      liveStateChannel(API),
      liveStateChannel('component:default/authoring-service'),
    ]);
    expect(
      published.find(p => p.channel === liveStateChannel(API))!.message,
    ).toMatchObject({ entityRef: API });
    expect(region(await snapshot(API), 'eu').workload!.desired).toBe(9);
  });

  it('marks only a region that stops answering as stale, keeps its last state, and recovers', async () => {
    const me = clusterOf('me');
    const port = Number(new URL(me.url).port);
    await me.cluster.api.close();
    let result = await snapshotWhen(
      API,
      s => s.clusters.find(c => c.name === 'me')!.status === 'stale',
    );
    const meState = result.clusters.find(c => c.name === 'me')!;
    expect(meState.status).toBe('stale');
    expect(meState.error).toBeDefined();
    expect(meState.lastSyncAt).toBeDefined();
    expect(
      result.clusters
        .filter(c => c.name !== 'me')
        .every(c => c.status === 'live'),
    ).toBe(true);
    expect(region(result, 'me').pods.length).toBeGreaterThanOrEqual(3);
    expect(region(result, 'me').health.level).toBe('unknown');

    // While it is away the rollout is scaled and the history compacted, so the watches
    // cannot resume (410 Gone): the informers must list again to see the change.
    const rollouts = typeOfKind('argoproj.io/v1alpha1', 'Rollout')!;
    const rollout = me.cluster.store.get(
      rollouts,
      'authoring',
      'authoring-api',
    )!;
    me.cluster.store.update(rollouts, {
      ...rollout,
      spec: { ...rollout.spec, replicas: 7 },
    });
    me.cluster.store.compact();

    const url = await me.cluster.api.listen(port);
    expect(Number(new URL(url).port)).toBe(port);
    result = await snapshotWhen(
      API,
      s =>
        s.clusters.find(c => c.name === 'me')!.status === 'live' &&
        region(s, 'me').workload!.desired === 7,
      60_000,
    );
    expect(result.clusters.find(c => c.name === 'me')!.status).toBe('live');
    expect(region(result, 'me').workload!.desired).toBe(7);
  });

  it.each([
    ['/snapshot', {}, 'entityRef: entityRef is required'],
    ['/snapshot', { entityRef: '' }, 'entityRef is required'],
    [
      '/snapshot',
      { entityRef: 'component:' },
      "entityRef 'component:' is not an entity reference",
    ],
    ['/snapshot', { entityRef: API, extra: '1' }, 'Unrecognized key: "extra"'],
    [
      '/history',
      { entityRef: API, window: '2d' },
      'window: window must be one of 1h, 6h, 24h',
    ],
    [
      '/history',
      { entityRef: API, container: 'content-api' },
      "container 'content-api' is not part of component:default/authoring-api",
    ],
    [
      '/history',
      { entityRef: API, cluster: 'mars' },
      "cluster 'mars' is not configured (known: us, eu, me, ap)",
    ],
  ])(
    'answers %s %j with 400 naming the problem',
    async (path, query, message) => {
      const res = await get(path, query as Record<string, string>);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    },
  );

  it('answers unknown entities with 404', async () => {
    const res = await get('/snapshot', { entityRef: 'component:default/nope' });
    expect(res.status).toBe(404);
  });
});

describe('service-ops backend permissions', () => {
  it('answers 403 when the policy denies reading the live state, and never reaches a cluster', async () => {
    const backend = await startTestBackend({
      features: [
        serviceOpsPlugin,
        catalogServiceMock.factory({
          entities: fleetEntities(findRepoRoot(__dirname)),
        }),
        mockServices.rootConfig.factory({ data: {} }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    try {
      const res = await request(backend.server)
        .get('/api/service-ops/snapshot')
        .query({ entityRef: API })
        .set('Authorization', mockCredentials.user.header());
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `you may not read the live state of ${API}`,
      );
    } finally {
      await backend.stop();
    }
  });
});
