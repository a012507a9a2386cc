import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  V1Pod,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  Watch,
} from '@kubernetes/client-node';
import { ApiServer } from './ApiServer';
import { waitFor } from '../testing/waitFor';
import { generateTls } from './tls';
import { ObjectStore } from '../store/ObjectStore';
import { findType } from './resources';

const TOKEN = 'rw-token';
const READ_ONLY = 'ro-token';

function kubeConfig(server: string, token: string, caData?: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'test',
        server,
        caData: caData && Buffer.from(caData).toString('base64'),
        skipTLSVerify: false,
      },
    ],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'c', cluster: 'test', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

const pod = (name: string, labels: Record<string, string>): V1Pod => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'main', image: 'x' }] },
});

async function markReady(store: ObjectStore, namespace: string, name: string) {
  const type = findType('', 'v1', 'pods')!;
  const current = store.mustGet(type, namespace, name);
  current.status = {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
  };
  store.update(type, current, { subresource: 'status' });
}

describe('ApiServer through @kubernetes/client-node', () => {
  let store: ObjectStore;
  let server: ApiServer;
  let url: string;
  let tls: Awaited<ReturnType<typeof generateTls>>;

  beforeAll(async () => {
    tls = await generateTls();
  });

  beforeEach(async () => {
    store = new ObjectStore(50);
    server = new ApiServer({
      name: 'test',
      store,
      tokens: { [TOKEN]: 'read-write', [READ_ONLY]: 'read-only' },
      tls: { key: tls.key, cert: tls.cert },
      bookmarkIntervalMs: 200,
    });
    url = await server.listen();
    await kubeConfig(url, TOKEN, tls.ca)
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name: 'demo' } } });
  });

  afterEach(async () => {
    await server.close();
  });

  it('serves discovery over TLS verified against the generated CA', async () => {
    const core = kubeConfig(url, TOKEN, tls.ca).makeApiClient(CoreV1Api);
    const resources = await core.getAPIResources();
    expect(resources.resources.find(r => r.name === 'pods')).toMatchObject({
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
    });
    expect(
      resources.resources.find(r => r.name === 'pods/eviction'),
    ).toBeDefined();
  });

  it('refuses a missing token (401) and writes with a read-only token (403)', async () => {
    await expect(
      kubeConfig(url, 'nope', tls.ca).makeApiClient(CoreV1Api).listNamespace(),
    ).rejects.toMatchObject({ code: 401 });
    const readOnly = kubeConfig(url, READ_ONLY, tls.ca).makeApiClient(
      CoreV1Api,
    );
    await expect(
      readOnly.listNamespacedPod({ namespace: 'demo' }),
    ).resolves.toMatchObject({ items: [] });
    await expect(
      readOnly.createNamespacedPod({ namespace: 'demo', body: pod('p', {}) }),
    ).rejects.toMatchObject({ code: 403 });
  });

  it('lists with equality and set-based label selectors, field selectors and paging', async () => {
    const core = kubeConfig(url, TOKEN, tls.ca).makeApiClient(CoreV1Api);
    for (const [name, app] of [
      ['a-1', 'a'],
      ['a-2', 'a'],
      ['b-1', 'b'],
      ['c-1', 'c'],
    ]) {
      await core.createNamespacedPod({
        namespace: 'demo',
        body: pod(name, { app }),
      });
    }
    const names = (list: { items: V1Pod[] }) =>
      list.items.map(p => p.metadata!.name);
    expect(
      names(
        await core.listNamespacedPod({
          namespace: 'demo',
          labelSelector: 'app=a',
        }),
      ),
    ).toEqual(['a-1', 'a-2']);
    expect(
      names(
        await core.listNamespacedPod({
          namespace: 'demo',
          labelSelector: 'app in (b,c)',
        }),
      ),
    ).toEqual(['b-1', 'c-1']);
    expect(
      names(
        await core.listNamespacedPod({
          namespace: 'demo',
          labelSelector: 'app!=a',
        }),
      ),
    ).toEqual(['b-1', 'c-1']);
    expect(
      names(
        await core.listNamespacedPod({
          namespace: 'demo',
          fieldSelector: 'metadata.name=b-1',
        }),
      ),
    ).toEqual(['b-1']);
    const first = await core.listNamespacedPod({ namespace: 'demo', limit: 3 });
    expect(names(first)).toEqual(['a-1', 'a-2', 'b-1']);
    expect(first.metadata!.remainingItemCount).toBe(1);
    const second = await core.listNamespacedPod({
      namespace: 'demo',
      limit: 3,
      _continue: first.metadata!._continue,
    });
    expect(names(second)).toEqual(['c-1']);
    await expect(
      core.listNamespacedPod({ namespace: 'demo', labelSelector: 'app in b' }),
    ).rejects.toMatchObject({ code: 400 });
  });

  it('refuses a stale update with 409 and accepts the fresh one', async () => {
    const core = kubeConfig(url, TOKEN, tls.ca).makeApiClient(CoreV1Api);
    const created = await core.createNamespacedPod({
      namespace: 'demo',
      body: pod('p', { app: 'a' }),
    });
    const fresh = {
      ...created,
      metadata: { ...created.metadata, labels: { app: 'b' } },
    };
    await core.replaceNamespacedPod({
      name: 'p',
      namespace: 'demo',
      body: fresh,
    });
    await expect(
      core.replaceNamespacedPod({ name: 'p', namespace: 'demo', body: fresh }),
    ).rejects.toMatchObject({ code: 409 });
  });

  it('applies merge, JSON and strategic merge patches, and dry-run changes nothing', async () => {
    const apps = kubeConfig(url, TOKEN, tls.ca).makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'demo',
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              containers: [
                { name: 'main', image: 'v1' },
                { name: 'side', image: 's1' },
              ],
            },
          },
        },
      },
    });
    const strategic = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'demo',
        body: {
          spec: {
            template: { spec: { containers: [{ name: 'main', image: 'v2' }] } },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec!.template.spec!.containers.map(c => c.image)).toEqual(
      ['v2', 's1'],
    );
    expect(strategic.metadata!.generation).toBe(2);
    const json = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'demo',
        body: [{ op: 'replace', path: '/spec/replicas', value: 5 }],
      },
      setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
    );
    expect(json.spec!.replicas).toBe(5);
    const dry = await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace: 'demo',
        body: { spec: { replicas: 9 } },
        dryRun: 'All',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(dry.spec!.replicas).toBe(9);
    expect(
      (await apps.readNamespacedDeployment({ name: 'web', namespace: 'demo' }))
        .spec!.replicas,
    ).toBe(5);
    const scale = await apps.readNamespacedDeploymentScale({
      name: 'web',
      namespace: 'demo',
    });
    expect(scale.spec!.replicas).toBe(5);
    await expect(
      apps.patchNamespacedDeployment(
        {
          name: 'web',
          namespace: 'demo',
          body: [{ op: 'replace', path: '/spec/nothing/here', value: 1 }],
        },
        setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
      ),
    ).rejects.toMatchObject({ code: 422 });
    await expect(
      apps.patchNamespacedDeployment(
        { name: 'web', namespace: 'demo', body: { spec: { replicas: -1 } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    ).rejects.toMatchObject({ code: 422 });
    expect(
      (await apps.readNamespacedDeployment({ name: 'web', namespace: 'demo' }))
        .spec!.replicas,
    ).toBe(5);
  });

  it('evicts a pod unless that breaks its PodDisruptionBudget (429)', async () => {
    const kc = kubeConfig(url, TOKEN, tls.ca);
    const core = kc.makeApiClient(CoreV1Api);
    for (const name of ['w-1', 'w-2']) {
      await core.createNamespacedPod({
        namespace: 'demo',
        body: pod(name, { app: 'w' }),
      });
      await markReady(store, 'demo', name);
    }
    const pdbType = findType('policy', 'v1', 'poddisruptionbudgets')!;
    store.create(pdbType, {
      metadata: { name: 'w', namespace: 'demo' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'w' } } },
    });
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
    await evict('w-1');
    await expect(evict('w-2')).rejects.toMatchObject({ code: 429 });
    expect(
      (await core.listNamespacedPod({ namespace: 'demo' })).items.map(
        p => p.metadata!.name,
      ),
    ).toEqual(['w-2']);
  });

  it('feeds an informer, which recovers by relisting when its resourceVersion has expired', async () => {
    const kc = kubeConfig(url, TOKEN, tls.ca);
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer(kc, '/api/v1/namespaces/demo/pods', () =>
      core.listNamespacedPod({ namespace: 'demo' }),
    );
    const seen: string[] = [];
    informer.on('add', p => seen.push(`add ${p.metadata!.name}`));
    informer.on('update', p =>
      seen.push(`update ${p.metadata!.name} ${p.metadata!.labels!.v}`),
    );
    informer.on('delete', p => seen.push(`delete ${p.metadata!.name}`));
    informer.on('error', () => undefined);
    await core.createNamespacedPod({
      namespace: 'demo',
      body: pod('before', { v: '1' }),
    });
    await informer.start();
    await waitFor(() => seen.includes('add before'));
    await core.createNamespacedPod({
      namespace: 'demo',
      body: pod('after', { v: '1' }),
    });
    await core.patchNamespacedPod(
      {
        name: 'after',
        namespace: 'demo',
        body: { metadata: { labels: { v: '2' } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedPod({ name: 'before', namespace: 'demo' });
    await waitFor(() => seen.includes('delete before'));
    expect(seen).toEqual([
      'add before',
      'add after',
      'update after 2',
      'delete before',
    ]);

    // Drop the watch, add a pod while no watch is open and compact the history past the
    // informer's resourceVersion: the reconnect gets 410 Gone and only a relist shows the pod.
    server.dropWatches();
    store.create(findType('', 'v1', 'pods')!, {
      metadata: { name: 'late', namespace: 'demo', labels: { v: '1' } },
    });
    store.compact();
    await waitFor(() => seen.includes('add late'), 20_000);
    expect(server.expiredWatches).toBe(1);
    expect(
      informer
        .list()
        .map(p => p.metadata!.name)
        .sort(),
    ).toEqual(['after', 'late']);
    await informer.stop();
  }, 30_000);

  it('counts every request it receives by verb and path, refused ones too, until reset', async () => {
    const kc = kubeConfig(url, TOKEN, tls.ca);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    server.resetCounters();
    expect(server.requestCount).toBe(0);

    await core.createNamespacedPod({ namespace: 'demo', body: pod('p', {}) });
    await core.readNamespacedPod({ namespace: 'demo', name: 'p' });
    await core.patchNamespacedPod(
      { name: 'p', namespace: 'demo', body: { metadata: { labels: {} } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.listNamespacedPod({ namespace: 'demo' });
    await core.listPodForAllNamespaces();
    await core.listPodForAllNamespaces({ labelSelector: 'app=a' });
    await apps.listDeploymentForAllNamespaces();
    await core.listNamespace();
    await expect(
      kubeConfig(url, 'nope', tls.ca).makeApiClient(CoreV1Api).listNamespace(),
    ).rejects.toMatchObject({ code: 401 });
    await expect(
      core.readNamespacedPod({ namespace: 'demo', name: 'missing' }),
    ).rejects.toMatchObject({ code: 404 });
    const events: string[] = [];
    const watch = await new Watch(kc).watch(
      '/api/v1/namespaces/demo/pods',
      { resourceVersion: '0' },
      type => events.push(type),
      () => undefined,
    );
    await waitFor(() => events.length === 1);
    watch.abort();
    await core.deleteNamespacedPod({ name: 'p', namespace: 'demo' });
    await core.deleteCollectionNamespacedPod({ namespace: 'demo' });

    expect(Object.fromEntries(server.requests)).toEqual({
      'create /api/v1/namespaces/demo/pods': 1,
      'get /api/v1/namespaces/demo/pods/p': 1,
      'patch /api/v1/namespaces/demo/pods/p': 1,
      'list /api/v1/namespaces/demo/pods': 1,
      'list /api/v1/pods': 2,
      'list /apis/apps/v1/deployments': 1,
      'list /api/v1/namespaces': 2,
      'get /api/v1/namespaces/demo/pods/missing': 1,
      'watch /api/v1/namespaces/demo/pods': 1,
      'delete /api/v1/namespaces/demo/pods/p': 1,
      'deletecollection /api/v1/namespaces/demo/pods': 1,
    });
    expect(server.requestCount).toBe(13);

    server.resetCounters();
    expect(server.requestCount).toBe(0);
    expect(server.requests.size).toBe(0);
    await core.getAPIResources();
    expect(Object.fromEntries(server.requests)).toEqual({ 'get /api/v1': 1 });
  });

  it('answers a watch from a compacted resourceVersion with a 410 Status event', async () => {
    const core = kubeConfig(url, TOKEN, tls.ca).makeApiClient(CoreV1Api);
    const start = (await core.listNamespacedPod({ namespace: 'demo' }))
      .metadata!.resourceVersion!;
    for (let i = 0; i < 60; i++) {
      await core.createNamespacedConfigMap({
        namespace: 'demo',
        body: { metadata: { name: `cm-${i}` } },
      });
    }
    const plain = new ApiServer({
      name: 'plain',
      store,
      tokens: { [TOKEN]: 'read-write' },
    });
    const plainUrl = await plain.listen();
    try {
      const res = await fetch(
        `${plainUrl}/api/v1/namespaces/demo/pods?watch=true&resourceVersion=${start}`,
        {
          headers: { Authorization: `Bearer ${TOKEN}` },
        },
      );
      expect(res.status).toBe(200);
      const event = JSON.parse((await res.text()).trim().split('\n')[0]);
      expect(event).toMatchObject({
        type: 'ERROR',
        object: { kind: 'Status', code: 410, reason: 'Expired' },
      });
    } finally {
      await plain.close();
    }
  });
});
