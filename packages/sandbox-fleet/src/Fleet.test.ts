import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
} from '@kubernetes/client-node';
import { ManualClock, waitFor } from '@internal/k8s-emulator';
import { Fleet } from './Fleet';

// 06:00 in the us region (UTC-5): before the working day.
const EARLY = Date.UTC(2026, 10, 22, 11, 0, 0);

function kubeConfig(fleet: Fleet, region: string) {
  const cluster = fleet.clusters.find(c => c.region === region)!;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: region,
        server: cluster.url,
        caData: Buffer.from(fleet.tls!.ca).toString('base64'),
      },
    ],
    users: [{ name: 'sandbox', token: fleet.token }],
    contexts: [{ name: region, cluster: region, user: 'sandbox' }],
    currentContext: region,
  });
  return kc;
}

describe('the sandbox fleet', () => {
  jest.setTimeout(120_000);
  let fleet: Fleet;
  let clock: ManualClock;

  const advance = (seconds: number, stepSeconds = 5) => {
    for (let s = 0; s < seconds; s += stepSeconds) {
      clock.advance(stepSeconds * 1000);
      fleet.step();
    }
  };

  beforeAll(async () => {
    clock = new ManualClock(EARLY);
    fleet = await Fleet.start({ clock, seed: 42 });
    advance(60);
  });

  afterAll(() => fleet.stop());

  it('runs every declared container of both services in each region, with drift where documented', async () => {
    for (const region of ['us', 'eu', 'me', 'ap']) {
      const kc = kubeConfig(fleet, region);
      const apps = kc.makeApiClient(AppsV1Api);
      const custom = kc.makeApiClient(CustomObjectsApi);
      const deployments = (
        await apps.listNamespacedDeployment({ namespace: 'content' })
      ).items.map(d => d.metadata!.name);
      const rollouts = (
        (await custom.listNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace: 'content',
          plural: 'rollouts',
        })) as any
      ).items.map((r: any) => r.metadata.name);
      const expected = [
        'content-builder',
        'content-bundler',
        'content-outbox-relay',
        'content-scorm-importer',
      ];
      if (region !== 'ap') expected.push('content-exporter');
      if (region === 'us') expected.push('content-debug-shell');
      expect(deployments.sort()).toEqual(expected.sort());
      expect(rollouts).toEqual(['content-api']);
      const collab = await apps.readNamespacedDeployment({
        name: 'authoring-collab',
        namespace: 'authoring',
      });
      expect(collab.spec!.template.spec!.terminationGracePeriodSeconds).toBe(
        330,
      );
      expect(collab.spec!.template.spec!.containers[0].resources).toEqual({
        requests: { cpu: '500m', memory: '1Gi' },
        limits: { cpu: '2', memory: '4Gi' }, // stored in canonical form, as the API server does
      });
    }
  });

  it('scales authoring-api up as the us morning brings editors, and a watch sees it', async () => {
    const kc = kubeConfig(fleet, 'us');
    const custom = kc.makeApiClient(CustomObjectsApi);
    const path = '/apis/argoproj.io/v1alpha1/namespaces/authoring/rollouts';
    const informer = makeInformer<any>(
      kc,
      path,
      () =>
        custom.listNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace: 'authoring',
          plural: 'rollouts',
        }) as any,
    );
    const seen: number[] = [];
    informer.on('update', r => seen.push(r.spec.replicas));
    await informer.start();
    const replicas = async () =>
      (
        (await custom.getNamespacedCustomObject({
          group: 'argoproj.io',
          version: 'v1alpha1',
          namespace: 'authoring',
          plural: 'rollouts',
          name: 'authoring-api',
        })) as any
      ).spec.replicas;
    expect(await replicas()).toBe(3);
    // 06:00 -> 12:00 us local time: editors and CPU follow the day. Only the us cluster's
    // controllers run, in 30 s steps (the HPA syncs every 15 s).
    const us = fleet.clusters.find(c => c.region === 'us')!.cluster;
    for (let s = 0; s < 6 * 3600; s += 30) {
      clock.advance(30_000);
      us.step();
    }
    const afternoon = await replicas();
    expect(afternoon).toBeGreaterThan(6);
    expect(afternoon).toBeLessThanOrEqual(30);
    await waitFor(() => seen.includes(afternoon));
    const pods = await kc.makeApiClient(CoreV1Api).listNamespacedPod({
      namespace: 'authoring',
      labelSelector: 'app=authoring-api',
    });
    expect(pods.items.filter(p => !p.metadata!.deletionTimestamp)).toHaveLength(
      afternoon,
    );
    await informer.stop();
  });
});
