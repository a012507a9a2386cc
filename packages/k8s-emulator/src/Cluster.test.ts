import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  KubeConfig,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  V1Deployment,
  CustomObjectsApi,
  PolicyV1Api,
} from '@kubernetes/client-node';
import { Cluster } from './Cluster';
import { CRASH_LOOP_ANNOTATION } from './controllers/WorkloadController';
import { waitFor } from './testing/waitFor';
import { ManualClock } from './controllers/Clock';
import { MetricsProvider } from './controllers/context';
import { KubeObject } from './store/ObjectStore';
import { findType } from './api/resources';

const TOKEN = 'token';

/** Active editors spread evenly over the ready pods, as a real load balancer would. */
class TestLoad implements MetricsProvider {
  totalEditors = 150;
  readyPods: () => number = () => 1;
  containerUsage() {
    return { cpu: 0.2, memory: 256 * 2 ** 20 };
  }
  podMetric(_pod: KubeObject, metric: string) {
    return metric === 'active_editors'
      ? this.totalEditors / Math.max(1, this.readyPods())
      : undefined;
  }
  externalMetric() {
    return undefined;
  }
}

const deployment: V1Deployment = {
  metadata: { name: 'api', labels: { app: 'api' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'api' } },
    strategy: {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    },
    template: {
      metadata: { labels: { app: 'api' } },
      spec: {
        containers: [
          {
            name: 'api',
            image: 'api:1',
            resources: { requests: { cpu: '500m' } },
          },
        ],
      },
    },
  },
};

describe('Cluster controllers', () => {
  jest.setTimeout(30_000);
  let clock: ManualClock;
  let load: TestLoad;
  let cluster: Cluster;
  let kc: KubeConfig;

  /** Advances simulated time in controller-sized steps. */
  const advance = (seconds: number) => {
    for (let s = 0; s < seconds; s++) {
      clock.advance(1000);
      cluster.step();
    }
  };

  beforeEach(async () => {
    clock = new ManualClock();
    load = new TestLoad();
    cluster = new Cluster({
      name: 'us',
      clock,
      metrics: load,
      tokens: { [TOKEN]: 'read-write' },
      seed: 7,
    });
    load.readyPods = () =>
      cluster.store
        .list(findType('', 'v1', 'pods')!, 'demo')
        .filter(p =>
          p.status?.conditions?.some(
            (c: any) => c.type === 'Ready' && c.status === 'True',
          ),
        ).length;
    const url = await cluster.api.listen();
    kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'us', server: url, skipTLSVerify: true }],
      users: [{ name: 'u', token: TOKEN }],
      contexts: [{ name: 'c', cluster: 'us', user: 'u' }],
      currentContext: 'c',
    });
    await kc
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'demo' } } });
    await kc
      .makeApiClient(AppsV1Api)
      .createNamespacedDeployment({ namespace: 'demo', body: deployment });
  });

  afterEach(() => cluster.stop());

  it('brings a Deployment up through a ReplicaSet to Ready pods after the start-up delays', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    advance(1);
    const pending = (
      await core.listNamespacedPod({
        namespace: 'demo',
        labelSelector: 'app=api',
      })
    ).items;
    expect(pending.map(p => p.status?.phase)).toEqual([
      'Pending',
      'Pending',
      'Pending',
    ]);
    advance(12);
    const pods = (
      await core.listNamespacedPod({
        namespace: 'demo',
        labelSelector: 'app=api',
      })
    ).items;
    expect(pods.map(p => p.status?.phase)).toEqual([
      'Running',
      'Running',
      'Running',
    ]);
    expect(pods[0].metadata?.ownerReferences?.[0].kind).toBe('ReplicaSet');
    const status = (
      await apps.readNamespacedDeployment({ name: 'api', namespace: 'demo' })
    ).status!;
    expect(status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      availableReplicas: 3,
    });
  });

  it("keeps a PodDisruptionBudget's status as pods become ready and are evicted", async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const policy = kc.makeApiClient(PolicyV1Api);
    await policy.createNamespacedPodDisruptionBudget({
      namespace: 'demo',
      body: {
        metadata: { name: 'api' },
        spec: { minAvailable: 2, selector: { matchLabels: { app: 'api' } } },
      },
    });
    const budget = async () =>
      (
        await policy.readNamespacedPodDisruptionBudget({
          name: 'api',
          namespace: 'demo',
        })
      ).status;
    advance(1);
    expect(await budget()).toMatchObject({
      currentHealthy: 0,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 0,
    });
    advance(12);
    expect(await budget()).toMatchObject({
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 1,
    });

    const [first, second] = (
      await core.listNamespacedPod({ namespace: 'demo' })
    ).items.map(p => p.metadata!.name!);
    const evict = (name: string) =>
      core.createNamespacedPodEviction({
        name,
        namespace: 'demo',
        body: {
          apiVersion: 'policy/v1',
          kind: 'Eviction',
          metadata: { name, namespace: 'demo' },
        },
      });
    await evict(first);
    advance(1);
    // The replacement is not ready yet: the budget allows no further eviction.
    expect(await budget()).toMatchObject({
      currentHealthy: 2,
      disruptionsAllowed: 0,
    });
    await expect(evict(second)).rejects.toMatchObject({ code: 429 });
  });

  it('rolls a restart out one surge pod at a time without losing availability', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const core = kc.makeApiClient(CoreV1Api);
    advance(15);
    const before = (
      await core.listNamespacedPod({ namespace: 'demo' })
    ).items.map(p => p.metadata!.name);
    await apps.patchNamespacedDeployment(
      {
        name: 'api',
        namespace: 'demo',
        body: {
          spec: {
            template: {
              metadata: {
                annotations: {
                  'kubectl.kubernetes.io/restartedAt': '2026-11-22T12:00:00Z',
                },
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    let minReady = Infinity;
    let maxPods = 0;
    for (let s = 0; s < 120; s++) {
      advance(1);
      const d = await apps.readNamespacedDeployment({
        name: 'api',
        namespace: 'demo',
      });
      minReady = Math.min(minReady, d.status?.readyReplicas ?? 0);
      const live = (
        await core.listNamespacedPod({ namespace: 'demo' })
      ).items.filter(p => !p.metadata?.deletionTimestamp);
      maxPods = Math.max(maxPods, live.length);
    }
    const after = (
      await core.listNamespacedPod({ namespace: 'demo' })
    ).items.map(p => p.metadata!.name);
    expect(after).toHaveLength(3);
    expect(after.some(name => before.includes(name))).toBe(false);
    expect(minReady).toBeGreaterThanOrEqual(3); // maxUnavailable 0
    expect(maxPods).toBeLessThanOrEqual(4); // maxSurge 1
  });

  it('scales on a Pods metric per the HPA algorithm, and a watch sees the new replica count', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    await kc
      .makeApiClient(AutoscalingV2Api)
      .createNamespacedHorizontalPodAutoscaler({
        namespace: 'demo',
        body: {
          metadata: { name: 'api' },
          spec: {
            scaleTargetRef: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'api',
            },
            minReplicas: 3,
            maxReplicas: 30,
            metrics: [
              {
                type: 'Pods',
                pods: {
                  metric: { name: 'active_editors' },
                  target: { type: 'AverageValue', averageValue: '100' },
                },
              },
            ],
          },
        },
      });
    const informer = makeInformer(
      kc,
      '/apis/apps/v1/namespaces/demo/deployments',
      () => apps.listNamespacedDeployment({ namespace: 'demo' }),
    );
    const replicas: number[] = [];
    informer.on('update', d => replicas.push(d.spec!.replicas!));
    await informer.start();
    advance(20);
    // 900 editors on 3 pods is 300 per pod against a target of 100: ceil(3 x 3) = 9, but one
    // period may add at most max(100%, 4 pods), so 7 first; then 900 / 7 = 129 per pod -> 9.
    load.totalEditors = 900;
    advance(15);
    await waitFor(() => replicas.includes(7));
    const limited = await kc
      .makeApiClient(AutoscalingV2Api)
      .readNamespacedHorizontalPodAutoscaler({
        name: 'api',
        namespace: 'demo',
      });
    expect(limited.status).toMatchObject({
      currentReplicas: 3,
      desiredReplicas: 7,
    });
    expect(
      limited.status!.conditions!.find(c => c.type === 'ScalingLimited'),
    ).toMatchObject({ status: 'True', reason: 'ScaleUpLimit' });
    advance(15);
    await waitFor(() => replicas.includes(9));
    const hpa = await kc
      .makeApiClient(AutoscalingV2Api)
      .readNamespacedHorizontalPodAutoscaler({
        name: 'api',
        namespace: 'demo',
      });
    expect(hpa.status).toMatchObject({
      currentReplicas: 7,
      desiredReplicas: 9,
    });
    expect(hpa.status!.currentMetrics![0]).toMatchObject({
      type: 'Pods',
      pods: { current: { averageValue: '128571m' } },
    });
    expect(hpa.status!.conditions!.map(c => `${c.type}=${c.status}`)).toEqual([
      'AbleToScale=True',
      'ScalingActive=True',
      'ScalingLimited=False',
    ]);
    // 900 / 9 = 100 per pod: on target, nothing changes.
    advance(30);
    expect(
      (await apps.readNamespacedDeployment({ name: 'api', namespace: 'demo' }))
        .spec!.replicas,
    ).toBe(9);
    const events = await kc.makeApiClient(CoreV1Api).listNamespacedEvent({
      namespace: 'demo',
      fieldSelector: 'involvedObject.name=api',
    });
    expect(events.items.map(e => e.message).sort()).toEqual([
      'New size: 7; reason: pods metric active_editors above target',
      'New size: 9; reason: pods metric active_editors above target',
    ]);
    // Load falls below the minimum: the stabilization window holds 9 replicas for 5
    // minutes, then the HPA scales in to minReplicas.
    load.totalEditors = 100;
    advance(200);
    expect(
      (await apps.readNamespacedDeployment({ name: 'api', namespace: 'demo' }))
        .spec!.replicas,
    ).toBe(9);
    advance(200);
    expect(
      (await apps.readNamespacedDeployment({ name: 'api', namespace: 'demo' }))
        .spec!.replicas,
    ).toBe(3);
    await informer.stop();
  }, 60_000);

  it('moves a canary Rollout 10% -> 50% on the promote patch and back to stable on abort', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const rollout = (image: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'content-api', namespace: 'demo' },
      spec: {
        replicas: 10,
        selector: { matchLabels: { app: 'content-api' } },
        template: {
          metadata: { labels: { app: 'content-api' } },
          spec: { containers: [{ name: 'api', image }] },
        },
        strategy: {
          canary: {
            steps: [
              { setWeight: 10 },
              { pause: {} },
              { setWeight: 50 },
              { pause: {} },
              { setWeight: 100 },
            ],
          },
        },
      },
    });
    const group = {
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'demo',
      plural: 'rollouts',
      name: 'content-api',
    };
    await custom.createNamespacedCustomObject({
      ...group,
      body: rollout('content:1'),
    });
    advance(20);
    const pods = async () => {
      const list = await kc.makeApiClient(CoreV1Api).listNamespacedPod({
        namespace: 'demo',
        labelSelector: 'app=content-api',
      });
      const byImage: Record<string, number> = {};
      for (const p of list.items.filter(
        item => !item.metadata?.deletionTimestamp,
      )) {
        const image = p.spec!.containers[0].image!;
        byImage[image] = (byImage[image] ?? 0) + 1;
      }
      return byImage;
    };
    expect(await pods()).toEqual({ 'content:1': 10 });
    const current = (await custom.getNamespacedCustomObject(group)) as any;
    await custom.replaceNamespacedCustomObject({
      ...group,
      body: { ...rollout('content:2'), metadata: current.metadata },
    });
    advance(60);
    let status = ((await custom.getNamespacedCustomObject(group)) as any)
      .status;
    expect(status).toMatchObject({
      phase: 'Paused',
      currentStepIndex: 1,
      canary: { weights: { canary: { weight: 10 } } },
    });
    expect(await pods()).toEqual({ 'content:1': 9, 'content:2': 1 });

    // What `kubectl argo rollouts promote content-api` sends.
    await custom.patchNamespacedCustomObjectStatus(
      { ...group, body: { status: { pauseConditions: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    advance(60);
    status = ((await custom.getNamespacedCustomObject(group)) as any).status;
    expect(status).toMatchObject({
      phase: 'Paused',
      currentStepIndex: 3,
      canary: { weights: { canary: { weight: 50 } } },
    });
    expect(await pods()).toEqual({ 'content:1': 5, 'content:2': 5 });

    // `kubectl argo rollouts abort content-api`
    await custom.patchNamespacedCustomObjectStatus(
      { ...group, body: { status: { abort: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    advance(60);
    status = ((await custom.getNamespacedCustomObject(group)) as any).status;
    expect(status).toMatchObject({
      phase: 'Degraded',
      canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } },
    });
    expect(await pods()).toEqual({ 'content:1': 10 });
  });

  it('restarts a new template from the first step, crash-loops annotated pods, and scales an aborted preview down', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const canaryGroup = {
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'demo',
      plural: 'rollouts',
      name: 'canary-crash',
    };
    const canary = (image: string, crash = false) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'canary-crash', namespace: 'demo' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'canary-crash' } },
        template: {
          metadata: {
            labels: { app: 'canary-crash' },
            ...(crash
              ? { annotations: { [CRASH_LOOP_ANNOTATION]: 'true' } }
              : {}),
          },
          spec: { containers: [{ name: 'api', image }] },
        },
        strategy: {
          canary: {
            steps: [
              { setWeight: 25 },
              { pause: {} },
              { setWeight: 50 },
              { pause: {} },
            ],
          },
        },
      },
    });
    const read = async () =>
      (await custom.getNamespacedCustomObject(canaryGroup)) as any;
    const replace = async (body: any) =>
      custom.replaceNamespacedCustomObject({
        ...canaryGroup,
        body: { ...body, metadata: (await read()).metadata },
      });
    await custom.createNamespacedCustomObject({
      ...canaryGroup,
      body: canary('c:1'),
    });
    advance(20);
    await replace(canary('c:2'));
    advance(30);
    await custom.patchNamespacedCustomObjectStatus(
      { ...canaryGroup, body: { status: { pauseConditions: null } } },
      merge,
    );
    advance(30);
    expect((await read()).status.currentStepIndex).toBe(3);
    // A new template while paused at 50%: back to the first pause, not past it.
    await replace(canary('c:3', true));
    advance(60);
    const status = (await read()).status;
    expect(status).toMatchObject({ phase: 'Paused', currentStepIndex: 1 });
    const crashing = (
      await kc.makeApiClient(CoreV1Api).listNamespacedPod({
        namespace: 'demo',
        labelSelector: `app=canary-crash,rollouts-pod-template-hash=${status.currentPodHash}`,
      })
    ).items.filter(p => !p.metadata?.deletionTimestamp);
    expect(crashing).toHaveLength(1);
    const container = crashing[0].status!.containerStatuses![0];
    expect(container.ready).toBe(false);
    expect(container.restartCount).toBeGreaterThanOrEqual(5);
    expect(container.lastState?.terminated?.reason).toBe('Error');

    const bgGroup = { ...canaryGroup, name: 'bg-abort' };
    const bg = (image: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'bg-abort', namespace: 'demo' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'bg-abort' } },
        template: {
          metadata: { labels: { app: 'bg-abort' } },
          spec: { containers: [{ name: 'api', image }] },
        },
        strategy: {
          blueGreen: { activeService: 'bg', autoPromotionEnabled: false },
        },
      },
    });
    await custom.createNamespacedCustomObject({ ...bgGroup, body: bg('b:1') });
    advance(20);
    const blue = ((await custom.getNamespacedCustomObject(bgGroup)) as any)
      .metadata;
    await custom.replaceNamespacedCustomObject({
      ...bgGroup,
      body: { ...bg('b:2'), metadata: blue },
    });
    advance(30);
    await custom.patchNamespacedCustomObjectStatus(
      { ...bgGroup, body: { status: { abort: true } } },
      merge,
    );
    advance(60);
    const images = (
      await kc.makeApiClient(CoreV1Api).listNamespacedPod({
        namespace: 'demo',
        labelSelector: 'app=bg-abort',
      })
    ).items
      .filter(p => !p.metadata?.deletionTimestamp)
      .map(p => p.spec!.containers[0].image);
    expect(images).toEqual(['b:1', 'b:1']);
  });

  it('runs an analysis step: passes a healthy canary, aborts a crash-looping one', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const group = {
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'demo',
      plural: 'rollouts',
      name: 'analysed',
    };
    const rollout = (image: string, crash = false) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'analysed', namespace: 'demo' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'analysed' } },
        template: {
          metadata: {
            labels: { app: 'analysed' },
            ...(crash
              ? { annotations: { [CRASH_LOOP_ANNOTATION]: 'true' } }
              : {}),
          },
          spec: { containers: [{ name: 'api', image }] },
        },
        strategy: {
          canary: {
            steps: [
              { setWeight: 50 },
              { analysis: { templates: [{ templateName: 'canary-health' }] } },
              { pause: {} },
            ],
          },
        },
      },
    });
    const read = async () =>
      (await custom.getNamespacedCustomObject(group)) as any;
    const replace = async (body: any) =>
      custom.replaceNamespacedCustomObject({
        ...group,
        body: { ...body, metadata: (await read()).metadata },
      });
    await custom.createNamespacedCustomObject({
      ...group,
      body: rollout('a:1'),
    });
    advance(20);
    await replace(rollout('a:2'));
    advance(5);
    let status = (await read()).status;
    expect(status.currentStepIndex).toBe(1);
    expect(status.canary.currentStepAnalysisRunStatus).toMatchObject({
      status: 'Running',
    });
    advance(30);
    status = (await read()).status;
    // Passed: on to the pause.
    expect(status).toMatchObject({ phase: 'Paused', currentStepIndex: 2 });
    const runs = (await custom.listNamespacedCustomObject({
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'demo',
      plural: 'analysisruns',
    })) as any;
    expect(runs.items.map((r: any) => r.status.phase)).toEqual(['Successful']);

    await replace(rollout('a:3', true));
    advance(40);
    status = (await read()).status;
    expect(status).toMatchObject({
      abort: true,
      phase: 'Degraded',
      currentStepIndex: 1,
      canary: {
        weights: { canary: { weight: 0 } },
        currentStepAnalysisRunStatus: {
          status: 'Failed',
          message: expect.stringMatching(
            /^canary-health: 0\/2 canary pods Ready, \d+ restarts$/,
          ),
        },
      },
    });
  });

  it('brings a blue/green preview up, waits for promotion, then switches and scales the old set down', async () => {
    const custom = kc.makeApiClient(CustomObjectsApi);
    const group = {
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'demo',
      plural: 'rollouts',
      name: 'authoring-api',
    };
    const rollout = (image: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'authoring-api', namespace: 'demo' },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'authoring-api' } },
        template: {
          metadata: { labels: { app: 'authoring-api' } },
          spec: { containers: [{ name: 'api', image }] },
        },
        strategy: {
          blueGreen: {
            activeService: 'authoring-api',
            previewService: 'authoring-api-preview',
            autoPromotionEnabled: false,
            scaleDownDelaySeconds: 30,
          },
        },
      },
    });
    await custom.createNamespacedCustomObject({
      ...group,
      body: rollout('authoring:1'),
    });
    advance(20);
    const blue = ((await custom.getNamespacedCustomObject(group)) as any)
      .status;
    expect(blue.phase).toBe('Healthy');
    const current = (await custom.getNamespacedCustomObject(group)) as any;
    await custom.replaceNamespacedCustomObject({
      ...group,
      body: { ...rollout('authoring:2'), metadata: current.metadata },
    });
    advance(30);
    const paused = ((await custom.getNamespacedCustomObject(group)) as any)
      .status;
    expect(paused).toMatchObject({
      phase: 'Paused',
      pauseConditions: [{ reason: 'BlueGreenPause' }],
    });
    expect(paused.blueGreen.activeSelector).toBe(blue.stableRS);
    expect(paused.blueGreen.previewSelector).not.toBe(blue.stableRS);
    const running = async () =>
      (
        await kc.makeApiClient(CoreV1Api).listNamespacedPod({
          namespace: 'demo',
          labelSelector: 'app=authoring-api',
        })
      ).items.filter(p => !p.metadata?.deletionTimestamp).length;
    expect(await running()).toBe(6); // blue and green side by side

    await custom.patchNamespacedCustomObjectStatus(
      { ...group, body: { status: { pauseConditions: null } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    advance(5);
    const promoted = ((await custom.getNamespacedCustomObject(group)) as any)
      .status;
    expect(promoted.phase).toBe('Healthy');
    expect(promoted.blueGreen.activeSelector).toBe(
      paused.blueGreen.previewSelector,
    );
    expect(await running()).toBe(6); // the old set stays for scaleDownDelaySeconds
    advance(40);
    expect(await running()).toBe(3);
  });

  it('scales through the scale subresource and refuses a negative count with 422', async () => {
    const apps = kc.makeApiClient(AppsV1Api);
    const scale = await apps.readNamespacedDeploymentScale({
      name: 'api',
      namespace: 'demo',
    });
    await apps.replaceNamespacedDeploymentScale({
      name: 'api',
      namespace: 'demo',
      body: { ...scale, spec: { replicas: 5 } },
    });
    advance(15);
    expect(
      (await apps.readNamespacedDeployment({ name: 'api', namespace: 'demo' }))
        .status!.readyReplicas,
    ).toBe(5);
    await expect(
      apps.replaceNamespacedDeploymentScale({
        name: 'api',
        namespace: 'demo',
        body: { ...scale, spec: { replicas: -2 } },
      }),
    ).rejects.toMatchObject({ code: 422 });
    await expect(
      apps.readNamespacedDeployment({ name: 'missing', namespace: 'demo' }),
    ).rejects.toMatchObject({ code: 404 });
  });
});
