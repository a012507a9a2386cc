import { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { Cluster } from '../Cluster';
import { ManualClock } from '../controllers/Clock';
import { MetricsProvider } from '../controllers/context';
import { KubeObject } from '../store/ObjectStore';
import { findType } from './resources';

const TOKEN = 'token';
const READ_ONLY = 'read-only-token';
const PODS = findType('', 'v1', 'pods')!;
const BASE = '/apis/custom.metrics.k8s.io/v1beta1';

/** Connections by pod name; collab pods only, as the fleet's load model answers. */
class TestLoad implements MetricsProvider {
  connections: Record<string, number> = {};
  containerUsage() {
    return { cpu: 0.1, memory: 2 ** 28 };
  }
  podMetric(pod: KubeObject, metric: string) {
    if (metric !== 'active_ws_connections') return undefined;
    return this.connections[pod.metadata.name!];
  }
  podMetricNames() {
    return ['active_ws_connections'];
  }
  externalMetric() {
    return undefined;
  }
}

describe('custom.metrics.k8s.io', () => {
  let cluster: Cluster;
  let load: TestLoad;
  let url: string;
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 12, 0, 0));

  const get = async (path: string, token = TOKEN) => {
    const res = await fetch(`${url}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: await res.json() };
  };

  const addPod = (
    name: string,
    labels: Record<string, string>,
    phase = 'Running',
  ) =>
    cluster.store.create(PODS, {
      metadata: { name, namespace: 'authoring', labels },
      spec: { containers: [{ name: 'main', image: 'x' }] },
      status: { phase },
    });

  beforeEach(async () => {
    load = new TestLoad();
    cluster = new Cluster({
      name: 'us',
      clock,
      metrics: load,
      tokens: { [TOKEN]: 'read-write', [READ_ONLY]: 'read-only' },
    });
    url = await cluster.api.listen();
    cluster.store.create(findType('', 'v1', 'namespaces')!, {
      metadata: { name: 'authoring' },
    });
    addPod('collab-b', { app: 'collab' });
    addPod('collab-a', { app: 'collab' });
    addPod('collab-starting', { app: 'collab' }, 'Pending');
    addPod('api-1', { app: 'api' });
    load.connections = {
      'collab-a': 420,
      'collab-b': 12.5,
      'collab-starting': 0,
    };
  });

  afterEach(() => cluster.stop());

  it('answers a MetricValueList of the Running pods that report the metric, by name, filtered by labelSelector', async () => {
    const { status, body } = await get(
      `${BASE}/namespaces/authoring/pods/*/active_ws_connections?labelSelector=app%3Dcollab`,
      READ_ONLY,
    );
    expect(status).toBe(200);
    expect(body).toEqual({
      kind: 'MetricValueList',
      apiVersion: 'custom.metrics.k8s.io/v1beta1',
      metadata: {},
      items: ['collab-a', 'collab-b'].map(name => ({
        describedObject: {
          kind: 'Pod',
          namespace: 'authoring',
          name,
          apiVersion: '/v1',
        },
        metricName: 'active_ws_connections',
        timestamp: '2026-11-22T12:00:00Z',
        value: name === 'collab-a' ? '420' : '12500m',
      })),
    });

    // Without a selector: every pod that reports it (api-1 does not, the Pending pod is not scraped).
    const all = await get(
      `${BASE}/namespaces/authoring/pods/*/active_ws_connections`,
    );
    expect(all.body.items.map((i: any) => i.describedObject.name)).toEqual([
      'collab-a',
      'collab-b',
    ]);
    const none = await get(
      `${BASE}/namespaces/authoring/pods/*/active_ws_connections?labelSelector=app%3Dapi`,
    );
    expect(none).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('follows the provider at the clock of the request', async () => {
    clock.advance(15_000);
    load.connections['collab-a'] = 0;
    const { body } = await get(
      `${BASE}/namespaces/authoring/pods/collab-a/active_ws_connections`,
    );
    expect(body.items).toEqual([
      expect.objectContaining({
        value: '0',
        timestamp: '2026-11-22T12:00:15Z',
      }),
    ]);
  });

  it('answers 404 for an unknown metric, a pod that does not report it, and paths it does not serve; 400 for a bad selector; 405 for writes', async () => {
    expect(
      await get(`${BASE}/namespaces/authoring/pods/*/active_editors`),
    ).toMatchObject({
      status: 404,
      body: {
        kind: 'Status',
        reason: 'NotFound',
        message: 'the server could not find the metric active_editors for pods',
      },
    });
    for (const pod of ['api-1', 'gone', 'collab-starting']) {
      expect(
        await get(
          `${BASE}/namespaces/authoring/pods/${pod}/active_ws_connections`,
        ),
      ).toMatchObject({
        status: 404,
        body: {
          message: `the server could not find the metric active_ws_connections for pods ${pod}`,
        },
      });
    }
    expect(
      (await get(`${BASE}/namespaces/authoring/metrics/active_ws_connections`))
        .status,
    ).toBe(404);
    expect(
      (
        await get(
          `${BASE}/namespaces/authoring/pods/*/active_ws_connections?labelSelector=app%20in%20(`,
        )
      ).status,
    ).toBe(400);
    const write = await fetch(
      `${url}${BASE}/namespaces/authoring/pods/collab-a/active_ws_connections`,
      { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } },
    );
    expect(write.status).toBe(405);
    expect(
      (await get(`${BASE}/namespaces/authoring/pods/*/x`, 'nope')).status,
    ).toBe(401);
  });

  it('is discovered as the adapter registers it: a group with one pods/<metric> resource per metric', async () => {
    const groups = await get('/apis');
    expect(groups.body.groups).toContainEqual({
      name: 'custom.metrics.k8s.io',
      versions: [
        { groupVersion: 'custom.metrics.k8s.io/v1beta1', version: 'v1beta1' },
      ],
      preferredVersion: {
        groupVersion: 'custom.metrics.k8s.io/v1beta1',
        version: 'v1beta1',
      },
    });
    expect((await get('/apis/custom.metrics.k8s.io')).body).toMatchObject({
      kind: 'APIGroup',
      name: 'custom.metrics.k8s.io',
    });
    expect((await get(BASE)).body).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'custom.metrics.k8s.io/v1beta1',
      resources: [
        {
          name: 'pods/active_ws_connections',
          singularName: '',
          namespaced: true,
          kind: 'MetricValueList',
          verbs: ['get'],
        },
      ],
    });
  });

  it('reads through client-node, and counts the requests by verb and decoded path', async () => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'us', server: url, skipTLSVerify: true }],
      users: [{ name: 'u', token: TOKEN }],
      contexts: [{ name: 'c', cluster: 'us', user: 'u' }],
      currentContext: 'c',
    });
    const custom = kc.makeApiClient(CustomObjectsApi);
    cluster.api.resetCounters();
    // client-node encodes `*/<metric>` into one path segment; the server decodes it.
    const list = (await custom.getNamespacedCustomObject({
      group: 'custom.metrics.k8s.io',
      version: 'v1beta1',
      namespace: 'authoring',
      plural: 'pods',
      name: '*/active_ws_connections',
    })) as any;
    expect(
      list.items.map((i: any) => [i.describedObject.name, i.value]),
    ).toEqual([
      ['collab-a', '420'],
      ['collab-b', '12500m'],
    ]);
    await expect(
      custom.getNamespacedCustomObject({
        group: 'custom.metrics.k8s.io',
        version: 'v1beta1',
        namespace: 'authoring',
        plural: 'pods',
        name: 'collab-a/nope',
      }),
    ).rejects.toMatchObject({ code: 404 });
    await get(
      `${BASE}/namespaces/authoring/pods/collab-a/active_ws_connections`,
    );
    expect(Object.fromEntries(cluster.api.requests)).toEqual({
      'get /apis/custom.metrics.k8s.io/v1beta1/namespaces/authoring/pods/*/active_ws_connections': 1,
      'get /apis/custom.metrics.k8s.io/v1beta1/namespaces/authoring/pods/collab-a/nope': 1,
      'get /apis/custom.metrics.k8s.io/v1beta1/namespaces/authoring/pods/collab-a/active_ws_connections': 1,
    });
    expect(cluster.api.requestCount).toBe(3);
  });
});
