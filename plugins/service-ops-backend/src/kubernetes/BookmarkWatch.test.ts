import {
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  ListWatch,
} from '@kubernetes/client-node';
import {
  ApiServer,
  ApiServerOptions,
  KubeObject,
  ObjectStore,
  findType,
  waitFor,
} from '@internal/k8s-emulator';
import { BookmarkWatch, BookmarkWatchOptions } from './BookmarkWatch';

const TOKEN = 'token';
const WATCHES = 'watch /api/v1/pods';
const PODS = findType('', 'v1', 'pods')!;

function kubeConfig(server: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server, skipTLSVerify: true }],
    users: [{ name: 'u', token: TOKEN }],
    contexts: [{ name: 'c', cluster: 'test', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'demo' },
  spec: { containers: [{ name: 'main', image: 'x' }] },
});

describe('BookmarkWatch', () => {
  let server: ApiServer;
  let store: ObjectStore;
  let informer: ListWatch<KubernetesObject> | undefined;

  async function start(
    serverOptions: Partial<ApiServerOptions>,
    watchOptions: Partial<BookmarkWatchOptions>,
  ) {
    store = new ObjectStore();
    server = new ApiServer({
      name: 'test',
      store,
      tokens: { [TOKEN]: 'read-write' },
      ...serverOptions,
    });
    const kc = kubeConfig(await server.listen());
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'demo' } } });
    informer = new ListWatch<KubernetesObject>(
      '/api/v1/pods',
      new BookmarkWatch(kc, watchOptions),
      () => core.listPodForAllNamespaces(),
      false,
    );
    await informer.start();
  }

  const watches = () => server.requests.get(WATCHES) ?? 0;
  const names = () => informer!.list().map(o => o.metadata!.name);

  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    await server.close();
  });

  it('asks for bookmarks, so a quiet watch outlives its idle timeout on one request', async () => {
    await start(
      { bookmarkIntervalMs: 100 },
      { idleTimeoutMs: 1_500, minTimeoutSeconds: 600 },
    );
    await waitFor(() => watches() === 1);
    // Three idle timeouts without a change: only the bookmarks keep the watch open.
    await new Promise(resolve => setTimeout(resolve, 4_500));
    expect(watches()).toBe(1);
    store.create(PODS, pod('after-quiet'));
    await waitFor(() => names().includes('after-quiet'));
    expect(watches()).toBe(1);
  });

  it('renews a watch that stays silent past its idle timeout and misses no change', async () => {
    // No bookmark within the test: the watch is silent.
    await start(
      { bookmarkIntervalMs: 3_600_000 },
      { idleTimeoutMs: 300, minTimeoutSeconds: 600 },
    );
    await waitFor(() => watches() >= 3);
    store.create(PODS, pod('after-renewals'));
    await waitFor(() => names().includes('after-renewals'));
    // Renewed from the last resourceVersion: no relist.
    expect(server.requests.get('list /api/v1/pods')).toBe(1);
  });

  it('sets a randomised server-side timeout of [min, 2 min) seconds, after which the watch resumes', async () => {
    await start(
      { bookmarkIntervalMs: 100 },
      { idleTimeoutMs: 60_000, minTimeoutSeconds: 1, random: () => 0.2 },
    );
    // floor(1 * 1.2) = 1 s: the server ends each watch after a second.
    await waitFor(() => watches() >= 3);
    store.create(PODS, pod('after-timeouts'));
    await waitFor(() => names().includes('after-timeouts'));
    expect(server.requests.get('list /api/v1/pods')).toBe(1);
  });
});
