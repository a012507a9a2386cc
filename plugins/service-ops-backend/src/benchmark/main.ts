/*
 * The live-state benchmark (issue 4): service-ops against the Kubernetes plugin's backend,
 * both in one real backend, against one emulated fleet, in one run.
 *
 *   yarn workspace @internal/backstage-plugin-service-ops-backend benchmark [--p2-seconds 300]
 *
 * P1 snapshot latency, P2 requests reaching the API servers while clients keep the entity
 * page open, P3 change-to-signal latency, and the heap per 1,000 cached pods; printed, and
 * written to docs/benchmarks.md (its live-state section only).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Entity } from '@backstage/catalog-model';
import {
  EntitySnapshot,
  liveStateChannel,
} from '@internal/backstage-plugin-service-ops-common';
import { ClusterCounters, EmulatorFleet } from './EmulatorFleet';
import { BENCH, benchEntity } from './benchManifests';
import { latencies, Latencies } from './stats';
import {
  cpuBreakdown,
  CpuBreakdown,
  FrameMatcher,
  profileCpu,
} from './cpuProfile';
import { replaceSection } from './replaceSection';
import { BenchBackend, startBenchBackend } from './startBenchBackend';

const SECTION = 'Live state (issue 4): P1–P3 and memory';
// eslint-disable-next-line no-restricted-syntax -- run from source only, never built
const ROOT = path.resolve(__dirname, '../../../..');
/** The Kubernetes plugin's refresh interval: `useKubernetesObjects(entity, intervalMs = 10000)`. */
const KUBERNETES_REFRESH_MS = 10_000;
const PUSH_DEBOUNCE_MS = 250;
const METRICS_INTERVAL_SECONDS = 15;
const CLIENT_NODE = `@kubernetes/client-node ${
  require('@kubernetes/client-node/package.json').version
}`;

/** The rows of the CPU table whose work is done once per change, not per read. */
const PER_CHANGE_ROWS = [
  'assembleSnapshot',
  'toContainerResources',
  'parseQuantity',
  'fingerprint',
];

/** Where a snapshot request's CPU time goes, by the frames on the stack. */
const SNAPSHOT_CPU: Record<string, FrameMatcher> = {
  handler: f => f.url.includes('service-ops-backend/src/router.ts'),
  // The cached snapshot (a read between cluster changes) or a new assembly.
  snapshot: f =>
    f.functionName === 'snapshot' && f.url.endsWith('KubernetesLiveState.ts'),
  assembly: f =>
    f.functionName === 'assembleSnapshot' &&
    f.url.endsWith('KubernetesLiveState.ts'),
  // toLivePod is inlined into its caller (no frame of its own); this is the part of it
  // that maps each container's requests and limits, parsing their quantities.
  podResources: f => f.functionName === 'toContainerResources',
  quantityParsing: f => f.functionName === 'parseQuantity',
  fingerprint: f =>
    f.functionName === 'fingerprint' && f.url.endsWith('LiveStatePublisher.ts'),
  // The answer's JSON: snapshotGzip or snapshotJson (shared parts serialised, and
  // compressed, once per assembly), or express's res.json.
  responseJson: f =>
    ((f.functionName === 'snapshotJson' || f.functionName === 'snapshotGzip') &&
      f.url.endsWith('service-ops-backend/src/snapshotJson.ts')) ||
    (f.functionName === 'stringify' && f.url.includes('express/lib/response')),
  gzip: f => f.url === 'node:zlib',
  catalog: f => f.url.includes('@backstage/plugin-catalog-backend/'),
  permission: f => f.url.includes('@backstage/plugin-permission-'),
};

const { values: args } = parseArgs({
  options: {
    clusters: { type: 'string', default: '4' },
    pods: { type: 'string', default: '1000' },
    'p1-warmup': { type: 'string', default: '30' },
    'p1-requests': { type: 'string', default: '100' },
    'p2-seconds': { type: 'string', default: '300' },
    'p2-clients': { type: 'string', default: '50' },
    'churn-ms': { type: 'string', default: '2000' },
    'p3-samples': { type: 'string', default: '50' },
    'p3-spacing-ms': { type: 'string', default: '1000' },
    /** How long service-ops is read alone, then as long again under the profiler. */
    'alone-seconds': { type: 'string', default: '30' },
    doc: { type: 'string', default: path.join(ROOT, 'docs/benchmarks.md') },
    'no-doc': { type: 'boolean', default: false },
    /** Where to save the CPU profile of the profiled snapshot reads (for DevTools). */
    'cpu-profile': { type: 'string' },
  },
});

function count(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} must be a number, got '${args[name]}'`);
  }
  return value;
}

const options = {
  clusters: count('clusters'),
  pods: count('pods'),
  p1Warmup: count('p1-warmup'),
  p1Requests: count('p1-requests'),
  p2Seconds: count('p2-seconds'),
  p2Clients: count('p2-clients'),
  churnMs: count('churn-ms'),
  p3Samples: count('p3-samples'),
  p3SpacingMs: count('p3-spacing-ms'),
  aloneSeconds: count('alone-seconds'),
};

/** Epoch ms with sub-ms precision, comparable between the two processes of this machine. */
const now = () => performance.timeOrigin + performance.now();
const log = (text: string) =>
  // eslint-disable-next-line no-console
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const round = (value: number, digits = 1) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : NaN;
const mib = (bytes: number) => bytes / 2 ** 20;

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(250);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${
      last ? ` (last error: ${last})` : ''
    }`,
  );
}

/** The two endpoints under test, each read to its last byte. */
class Endpoints {
  constructor(
    private readonly baseUrl: string,
    private readonly entity: Entity,
  ) {}

  /** service-ops: what the Operations tab fetches. */
  async snapshot(): Promise<{ ms: number; bytes: number; text: string }> {
    const started = performance.now();
    const res = await fetch(
      `${this.baseUrl}/api/service-ops/snapshot?entityRef=${encodeURIComponent(
        BENCH.entityRef,
      )}`,
    );
    const text = await res.text();
    const ms = performance.now() - started;
    if (!res.ok) throw new Error(`snapshot: ${res.status} ${text}`);
    return { ms, bytes: Buffer.byteLength(text), text };
  }

  /**
   * The Kubernetes plugin: `KubernetesBackendClient.getObjectsByEntity`, i.e.
   * `POST /api/kubernetes/services/<name>` with the catalog entity and the auth its
   * frontend generates (empty for service-account clusters).
   */
  async objectsByEntity(): Promise<{
    ms: number;
    bytes: number;
    text: string;
  }> {
    const started = performance.now();
    const res = await fetch(
      `${this.baseUrl}/api/kubernetes/services/${encodeURIComponent(
        this.entity.metadata.name,
      )}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ entity: this.entity, auth: {} }),
      },
    );
    const text = await res.text();
    const ms = performance.now() - started;
    if (!res.ok) throw new Error(`objects-by-entity: ${res.status} ${text}`);
    return { ms, bytes: Buffer.byteLength(text), text };
  }
}

/**
 * A signals connection as the frontend's `SignalClient` (@backstage/plugin-signals) opens
 * it: a WebSocket to `/api/signals` (the user's token as subprotocol; none here, the
 * benchmark backend allows unauthenticated requests), then
 * `{"action":"subscribe","channel":…}`; the server sends `{"channel","message"}`.
 */
class SignalsConnection {
  private constructor(private readonly ws: WebSocket) {}

  /**
   * Connects, retrying like `SignalClient` does (connect timeout 1 s): the signals
   * backend starts handling upgrades only once the first upgrade request has reached its
   * router, and that first request gets no answer.
   */
  static async open(
    baseUrl: string,
    channel: string,
    onMessage: (message: unknown, receivedAt: number) => void,
  ): Promise<SignalsConnection> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/signals`;
    for (let attempt = 1; ; attempt++) {
      const ws = new WebSocket(url);
      const opened = await Promise.race([
        new Promise<boolean>(resolve => {
          ws.addEventListener('open', () => resolve(true), { once: true });
          ws.addEventListener('error', () => resolve(false), { once: true });
        }),
        sleep(1000).then(() => false),
      ]);
      if (opened) {
        ws.addEventListener('message', event => {
          const receivedAt = now();
          const data = JSON.parse(String(event.data));
          if (data.channel === channel) onMessage(data.message, receivedAt);
        });
        ws.send(JSON.stringify({ action: 'subscribe', channel }));
        return new SignalsConnection(ws);
      }
      ws.close();
      if (attempt >= 10) throw new Error(`could not connect to ${url}`);
      await sleep(250);
    }
  }

  close() {
    this.ws.close(1000);
  }
}

/** Requests the API servers counted, summed over the clusters and attributed to a plugin. */
interface RequestCount {
  total: number;
  /** Namespaced requests for the bench namespace: what the Kubernetes plugin asks per request. */
  kubernetesPlugin: number;
  /** Cluster-wide lists, watches and metrics samples: service-ops' informers and sampler. */
  serviceOps: number;
  other: number;
  byKey: Array<[string, number]>;
}

/** service-ops' requests by what they were: watches, metrics samples, lists. */
function describeServiceOps(requests: RequestCount): string {
  let watches = 0;
  let metrics = 0;
  let lists = 0;
  for (const [key, n] of requests.byKey) {
    const [verb, requestPath] = key.split(' ');
    if (requestPath.includes(`/namespaces/${BENCH.namespace}/`)) continue;
    if (verb === 'watch') watches += n;
    else if (requestPath.startsWith('/apis/metrics.k8s.io/')) metrics += n;
    else if (verb === 'list') lists += n;
  }
  return `${watches} watches (renewed or restarted), ${metrics} metrics samples, ${lists} lists (a watch that failed lists again)`;
}

function sumCounters(counters: ClusterCounters[]): RequestCount {
  const result: RequestCount = {
    total: 0,
    kubernetesPlugin: 0,
    serviceOps: 0,
    other: 0,
    byKey: [],
  };
  const byKey = new Map<string, number>();
  for (const cluster of counters) {
    result.total += cluster.total;
    for (const [key, n] of Object.entries(cluster.requests)) {
      byKey.set(key, (byKey.get(key) ?? 0) + n);
      const requestPath = key.slice(key.indexOf(' ') + 1);
      if (requestPath.includes(`/namespaces/${BENCH.namespace}/`))
        result.kubernetesPlugin += n;
      else if (/^\/(api\/v1|apis\/[^/]+\/[^/]+)\/[^/]+$/.test(requestPath))
        result.serviceOps += n;
      else result.other += n;
    }
  }
  result.byKey = [...byKey.entries()].sort((a, b) => b[1] - a[1]);
  return result;
}

async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await sleep(200);
  }
  return process.memoryUsage().heapUsed;
}

interface P2Side {
  requests: RequestCount;
  /** Requests the clients made to the backend, and how many failed. */
  clientRequests: number;
  failed: number;
  signals: number;
  seconds: number;
  /** The machine's 1-minute load average when the window closed. */
  loadAverage?: number;
}

/** `clients` pages open from a start staggered over the first refresh interval, for `seconds`. */
async function keepPagesOpen(
  fleet: EmulatorFleet,
  seconds: number,
  openPage: (index: number, stats: P2Side) => Promise<() => void>,
  clients: number,
): Promise<P2Side> {
  const stats: P2Side = {
    requests: sumCounters([]),
    clientRequests: 0,
    failed: 0,
    signals: 0,
    seconds,
  };
  const closers: Array<() => void> = [];
  await fleet.resetCounters();
  await fleet.churn(options.churnMs);
  const started = Date.now();
  const end = started + seconds * 1000;
  const opened = Array.from({ length: clients }, async (_, i) => {
    await sleep((i * KUBERNETES_REFRESH_MS) / clients);
    if (Date.now() < end) closers.push(await openPage(i, stats));
  });
  await sleep(Math.max(0, end - Date.now()));
  // What reached the API servers during the window, read as it closes.
  stats.requests = sumCounters(await fleet.counters());
  stats.loadAverage = os.loadavg()[0];
  await Promise.all(opened);
  closers.forEach(close => close());
  await fleet.churn(0);
  return stats;
}

async function main() {
  if (typeof WebSocket === 'undefined') {
    throw new Error('needs a global WebSocket (Node.js 22 or later)');
  }
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
  const date = new Date().toISOString().slice(0, 10);
  log(
    `fleet: ${options.clusters} clusters x ${options.pods} pods, TLS, bearer token`,
  );
  const fleet = await EmulatorFleet.start({
    clusters: options.clusters,
    pods: options.pods,
    tls: true,
    seed: 7,
  });
  let backend: BenchBackend | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-ops-bench-'));
  try {
    log(
      `fleet serves after ${round(
        fleet.info.setupMs / 1000,
      )} s: ${fleet.info.clusters
        .map(c => `${c.name} ${c.pods} pods`)
        .join(', ')}`,
    );
    const entityFile = path.join(dir, 'catalog-info.yaml');
    // JSON is YAML.
    fs.writeFileSync(
      entityFile,
      JSON.stringify(
        benchEntity({
          min: Math.ceil(options.pods / 2),
          max: options.pods * 2,
        }),
      ),
    );
    const heapBeforeBackend = await heapAfterGc();
    const backendStarted = performance.now();
    backend = await startBenchBackend({
      catalog: {
        locations: [{ type: 'file', target: entityFile }],
        rules: [{ allow: ['Component'] }],
      },
      kubernetes: fleet.kubernetesConfig(),
      serviceOps: {
        liveState: {
          pushDebounceMs: PUSH_DEBOUNCE_MS,
          metricsIntervalSeconds: METRICS_INTERVAL_SECONDS,
        },
      },
    });
    const { baseUrl } = backend;
    log(
      `backend at ${baseUrl} started in ${round(
        (performance.now() - backendStarted) / 1000,
      )} s (the watches listed every cluster before it answered)`,
    );

    const entity = await waitUntil(
      'the entity in the catalog',
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-name/component/default/${BENCH.name}`,
        );
        return res.ok ? ((await res.json()) as Entity) : undefined;
      },
      120_000,
    );
    const endpoints = new Endpoints(baseUrl, entity);
    const synced = await waitUntil(
      'every cluster live with every pod',
      async () => {
        const snapshot: EntitySnapshot = JSON.parse(
          (await endpoints.snapshot()).text,
        );
        const regions = snapshot.containers[0]?.regions ?? [];
        return snapshot.clusters.every(c => c.status === 'live') &&
          regions.length === options.clusters &&
          regions.every(r => r.pods.length === options.pods)
          ? snapshot
          : undefined;
      },
      120_000,
    );
    log(
      `synced: ${synced.containers
        .map(
          c =>
            `${c.container} ${c.regions
              .map(r => `${r.cluster}:${r.pods.length}`)
              .join(' ')}`,
        )
        .join('; ')}`,
    );
    // What one read of each costs the API servers.
    await fleet.resetCounters();
    const theirsFirst = JSON.parse((await endpoints.objectsByEntity()).text);
    const perObjectsCall = sumCounters(await fleet.counters());
    await fleet.resetCounters();
    await endpoints.snapshot();
    const perSnapshotRead = sumCounters(await fleet.counters());
    const theirPods: string[] = (theirsFirst.items ?? []).map(
      (item: any) =>
        `${item.cluster.name}:${
          item.resources.find((r: any) => r.type === 'pods')?.resources
            .length ?? 0
        }${item.errors?.length ? ` (${item.errors.length} errors)` : ''}`,
    );
    log(
      `one objects-by-entity call: ${
        perObjectsCall.total
      } API-server requests (${perObjectsCall.byKey
        .map(([k]) => k.split(' ')[1].split('/').pop())
        .join(', ')}); one snapshot read: ${perSnapshotRead.total}`,
    );
    log(`the Kubernetes plugin answers: ${theirPods.join(' ')}`);

    // P1: interleaved, the order within each pair alternating.
    log(
      `P1: ${options.p1Warmup} warm-up pairs, then ${options.p1Requests} of each, alternating`,
    );
    const p1 = {
      ours: [] as number[],
      theirs: [] as number[],
      oursBytes: 0,
      theirsBytes: 0,
    };
    for (let i = 0; i < options.p1Warmup + options.p1Requests; i++) {
      const pair =
        i % 2 === 0
          ? [
              ['ours', await endpoints.snapshot()],
              ['theirs', await endpoints.objectsByEntity()],
            ]
          : [
              ['theirs', await endpoints.objectsByEntity()],
              ['ours', await endpoints.snapshot()],
            ];
      if (i < options.p1Warmup) continue;
      for (const [side, result] of pair as Array<
        ['ours' | 'theirs', { ms: number; bytes: number }]
      >) {
        p1[side].push(result.ms);
        if (side === 'ours') p1.oursBytes = result.bytes;
        else p1.theirsBytes = result.bytes;
      }
    }
    const p1Ours = latencies(p1.ours);
    const p1Theirs = latencies(p1.theirs);
    log(
      `P1 ours p50 ${round(p1Ours.p50)} p95 ${round(p1Ours.p95)} ms (${round(
        mib(p1.oursBytes),
        2,
      )} MiB); theirs p50 ${round(p1Theirs.p50)} p95 ${round(
        p1Theirs.p95,
      )} ms (${round(mib(p1.theirsBytes), 2)} MiB); p95 ratio ${round(
        p1Theirs.p95 / p1Ours.p95,
      )}x`,
    );

    // Context for P1: ours alone (no Kubernetes plugin answers in between), reading back
    // to back for a while (the cache of the snapshot is dropped on every cluster change,
    // here the metrics samples), then where its time goes, from a CPU profile of this
    // process (the backend's) over as long a window of the same reads.
    const readFor = async (seconds: number) => {
      const times: number[] = [];
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        times.push((await endpoints.snapshot()).ms);
      }
      return times;
    };
    const p1Alone = latencies(await readFor(options.aloneSeconds));
    await fleet.resetCounters();
    const profiled = await profileCpu(async () => {
      const started = performance.now();
      const reads = (await readFor(options.aloneSeconds)).length;
      return { reads, wallMs: performance.now() - started };
    });
    const profiledChanges = sumCounters(await fleet.counters()).byKey.reduce(
      (n, [key, hits]) =>
        key === 'list /apis/metrics.k8s.io/v1beta1/pods' ? n + hits : n,
      0,
    );
    const cpu = cpuBreakdown(profiled.profile, SNAPSHOT_CPU);
    if (args['cpu-profile']) {
      fs.writeFileSync(args['cpu-profile'], JSON.stringify(profiled.profile));
    }
    const perRead = (ms: number) => ms / profiled.result.reads;
    log(
      `P1 ours alone p50 ${round(p1Alone.p50)} p95 ${round(p1Alone.p95)} ms (${
        p1Alone.n
      } reads); profiled: ${
        profiled.result.reads
      } reads, ${profiledChanges} metrics samples; CPU per read: busy ${round(
        perRead(cpu.totalMs - cpu.idleMs),
      )}, GC ${round(perRead(cpu.gcMs))}, ${Object.entries(cpu.categories)
        .map(([k, v]) => `${k} ${round(perRead(v))}`)
        .join(', ')} ms`,
    );

    // A first upgrade request makes the signals backend handle upgrades (see SignalsConnection).
    (
      await SignalsConnection.open(
        baseUrl,
        liveStateChannel(BENCH.entityRef),
        () => undefined,
      )
    ).close();

    // P2, ours: fetch once, subscribe, refetch on every signal.
    log(
      `P2 ours: ${options.p2Clients} clients for ${options.p2Seconds} s, one pod flip every ${options.churnMs} ms`,
    );
    const p2Ours = await keepPagesOpen(
      fleet,
      options.p2Seconds,
      async (_, stats) => {
        let fetching: Promise<void> | undefined;
        let again = false;
        const fetchSnapshot = async (): Promise<void> => {
          stats.clientRequests++;
          try {
            await endpoints.snapshot();
          } catch {
            stats.failed++;
          }
        };
        const refetch = () => {
          if (fetching) {
            again = true;
            return;
          }
          fetching = (async () => {
            do {
              again = false;
              await fetchSnapshot();
            } while (again);
            fetching = undefined;
          })();
        };
        const connection = await SignalsConnection.open(
          baseUrl,
          liveStateChannel(BENCH.entityRef),
          () => {
            stats.signals++;
            refetch();
          },
        );
        refetch();
        return () => connection.close();
      },
      options.p2Clients,
    );
    log(
      `P2 ours: ${p2Ours.requests.total} API-server requests (service-ops ${p2Ours.requests.serviceOps}, Kubernetes plugin ${p2Ours.requests.kubernetesPlugin}, other ${p2Ours.requests.other}); clients: ${p2Ours.clientRequests} snapshot reads, ${p2Ours.signals} signals, ${p2Ours.failed} failed`,
    );
    log(`  ${JSON.stringify(p2Ours.requests.byKey.slice(0, 12))}`);
    await sleep(2000);

    // P2, theirs: fetch at mount, then a retry every refresh interval, which is a no-op
    // while the last fetch is still loading (react-use's useInterval + useAsyncRetry).
    log(
      `P2 theirs: ${options.p2Clients} clients for ${options.p2Seconds} s, objects-by-entity every ${KUBERNETES_REFRESH_MS} ms`,
    );
    const inFlight = new Set<Promise<void>>();
    let skippedTicks = 0;
    const p2Theirs = await keepPagesOpen(
      fleet,
      options.p2Seconds,
      async (_, stats) => {
        let loading: Promise<void> | undefined;
        const fetchObjects = () => {
          if (loading) {
            skippedTicks++;
            return;
          }
          stats.clientRequests++;
          const request: Promise<void> = endpoints
            .objectsByEntity()
            .then(() => undefined)
            .catch(() => {
              stats.failed++;
            })
            .finally(() => {
              inFlight.delete(request);
              loading = undefined;
            });
          loading = request;
          inFlight.add(request);
        };
        fetchObjects();
        const timer = setInterval(fetchObjects, KUBERNETES_REFRESH_MS);
        return () => clearInterval(timer);
      },
      options.p2Clients,
    );
    const stillInFlight = inFlight.size;
    await Promise.all([...inFlight]);
    log(
      `P2 theirs: ${p2Theirs.requests.total} API-server requests (Kubernetes plugin ${p2Theirs.requests.kubernetesPlugin}, service-ops ${p2Theirs.requests.serviceOps}, other ${p2Theirs.requests.other}); clients: ${p2Theirs.clientRequests} requests, ${skippedTicks} refresh ticks skipped while loading, ${stillInFlight} still in flight at the end, ${p2Theirs.failed} failed`,
    );
    log(`  ${JSON.stringify(p2Theirs.requests.byKey.slice(0, 16))}`);
    const p2Ratio =
      p2Theirs.requests.kubernetesPlugin /
      Math.max(1, p2Ours.requests.serviceOps);
    log(`P2 ratio ${round(p2Ratio)}x`);
    await sleep(2000);

    // P3: flip, then time the signal at a connected client.
    log(
      `P3: ${options.p3Samples} flips, ${options.p3SpacingMs} ms apart after each signal`,
    );
    await endpoints.snapshot(); // the entity is read, so it is watched
    let onSignal: ((receivedAt: number) => void) | undefined;
    const p3Connection = await SignalsConnection.open(
      baseUrl,
      liveStateChannel(BENCH.entityRef),
      (_, receivedAt) => onSignal?.(receivedAt),
    );
    /** When the next signal arrives; undefined if none within `timeoutMs`. */
    const nextSignal = (timeoutMs: number) =>
      new Promise<number | undefined>(resolve => {
        const timer = setTimeout(() => {
          onSignal = undefined;
          resolve(undefined);
        }, timeoutMs);
        onSignal = receivedAt => {
          clearTimeout(timer);
          onSignal = undefined;
          resolve(receivedAt);
        };
      });
    const fromChange: number[] = [];
    const fromSend: number[] = [];
    let missed = 0;
    await sleep(1000);
    for (let i = 0; i < options.p3Samples; i++) {
      const arrived = nextSignal(5000);
      const sentAt = now();
      const flip = await fleet.flipPod(i % options.clusters);
      const receivedAt = await arrived;
      if (receivedAt === undefined) missed++;
      else {
        fromChange.push(receivedAt - flip.at);
        fromSend.push(receivedAt - sentAt);
      }
      await sleep(options.p3SpacingMs);
    }
    p3Connection.close();
    const p3 = latencies(fromChange);
    const p3Send = latencies(fromSend);
    log(
      `P3 change to signal p50 ${round(p3.p50)} p95 ${round(
        p3.p95,
      )} ms (from the parent's send: p50 ${round(p3Send.p50)} p95 ${round(
        p3Send.p95,
      )} ms); ${missed} without a signal within 5 s`,
    );

    // Memory: the same backend with every pod cached, then with none.
    const heapFull = await heapAfterGc();
    const deleted = await fleet.deletePods();
    await waitUntil(
      'the pods to be gone from the snapshot',
      async () => {
        const snapshot: EntitySnapshot = JSON.parse(
          (await endpoints.snapshot()).text,
        );
        return snapshot.containers[0]?.regions.every(r => r.pods.length === 0)
          ? true
          : undefined;
      },
      60_000,
    );
    // Let the publisher's check of the emptied snapshot run.
    await sleep(PUSH_DEBOUNCE_MS * 4 + 1000);
    const heapEmpty = await heapAfterGc();
    const cachedPods = options.clusters * options.pods;
    const perThousand = (heapFull - heapEmpty) / (cachedPods / 1000);
    log(
      `memory: heap after GC ${round(
        mib(heapFull),
      )} MiB with ${cachedPods} pods cached, ${round(
        mib(heapEmpty),
      )} MiB after deleting ${deleted}; ${round(
        mib(perThousand),
        2,
      )} MiB per 1,000 pods (backend process heap before the backend: ${round(
        mib(heapBeforeBackend),
      )} MiB)`,
    );

    const report = {
      date,
      p1: {
        alone: p1Alone,
        cpu,
        profiledReads: profiled.result.reads,
        profiledWallMs: profiled.result.wallMs,
        profiledChanges,
        ours: p1Ours,
        theirs: p1Theirs,
        oursBytes: p1.oursBytes,
        theirsBytes: p1.theirsBytes,
      },
      p2: {
        ours: p2Ours,
        theirs: p2Theirs,
        ratio: p2Ratio,
        skippedTicks,
        stillInFlight,
      },
      p3: { fromChange: p3, fromSend: p3Send, missed },
      memory: {
        heapFull,
        heapEmpty,
        heapBeforeBackend,
        cachedPods,
        perThousand,
      },
      theirPods,
      perObjectsCall: perObjectsCall.total,
      perSnapshotRead: perSnapshotRead.total,
    };
    const section = renderSection(report);
    // eslint-disable-next-line no-console
    console.log(`\n${section}`);
    if (!args['no-doc']) {
      const doc = args.doc!;
      const before = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '';
      fs.writeFileSync(doc, replaceSection(before, SECTION, section));
      log(`written to ${path.relative(process.cwd(), doc) || doc}`);
    }
  } finally {
    await backend?.stop().catch(() => undefined);
    await fleet.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Report {
  date: string;
  p1: {
    alone: Latencies;
    cpu: CpuBreakdown;
    profiledReads: number;
    profiledWallMs: number;
    /** Metrics samples (each a change of a cluster) during the profiled window. */
    profiledChanges: number;
    ours: Latencies;
    theirs: Latencies;
    oursBytes: number;
    theirsBytes: number;
  };
  p2: {
    ours: P2Side;
    theirs: P2Side;
    ratio: number;
    skippedTicks: number;
    stillInFlight: number;
  };
  p3: { fromChange: Latencies; fromSend: Latencies; missed: number };
  memory: {
    heapFull: number;
    heapEmpty: number;
    heapBeforeBackend: number;
    cachedPods: number;
    perThousand: number;
  };
  theirPods: string[];
  /** API-server requests of one objects-by-entity call, of one snapshot read. */
  perObjectsCall: number;
  perSnapshotRead: number;
}

const met = (ok: boolean) => (ok ? 'met' : '**missed**');

function renderSection(r: Report): string {
  const ms = (value: number) => `${round(value)} ms`;
  const cpuModel = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const p1Ratio = r.p1.theirs.p95 / r.p1.ours.p95;
  const p1Ratio50 = r.p1.theirs.p50 / r.p1.ours.p50;
  const { ours, theirs } = r.p2;
  const perRead = (value: number) => ms(value / r.p1.profiledReads);
  const c = r.p1.cpu.categories;
  const command = `yarn workspace @internal/backstage-plugin-service-ops-backend benchmark${
    process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  const nominal =
    options.p2Clients *
    Math.ceil((theirs.seconds * 1000) / KUBERNETES_REFRESH_MS) *
    r.perObjectsCall;
  const lines = [
    `## ${SECTION}`,
    '',
    `Measured ${r.date} on ${os.cpus().length} cores (${cpuModel}, ${round(
      mib(os.totalmem()) / 1024,
    )} GiB), Node.js ${
      process.version
    }, by \`${command}\` (\`plugins/service-ops-backend/src/benchmark/main.ts\`). Every figure below comes from that one run; both plugins were measured side by side in it.`,
    '',
    `Fleet: ${
      options.clusters
    } emulated clusters (\`@internal/k8s-emulator\`, in a child process) x ${
      options.pods
    } pods of one Deployment, with its HPA, PDB, Service and ConfigMap; HTTPS with their own CA and a bearer token, given to both plugins by the same \`kubernetes\` config (service accounts). One real backend (\`createBackend()\` with the catalog, \`@backstage/plugin-kubernetes-backend\`, signals, permission with an allow-all policy, and service-ops; SQLite in memory) serves the entity \`${
      BENCH.entityRef
    }\` (annotations \`backstage.io/kubernetes-id\` and \`backstage.io/kubernetes-namespace\`) to both. service-ops: \`pushDebounceMs: ${PUSH_DEBOUNCE_MS}\`, \`metricsIntervalSeconds: ${METRICS_INTERVAL_SECONDS}\`. Both answered with every pod (Kubernetes plugin: ${r.theirPods.join(
      ', ',
    )}). One objects-by-entity call of the Kubernetes plugin made ${
      r.perObjectsCall
    } requests to the API servers; one snapshot read made ${
      r.perSnapshotRead
    }.`,
    '',
    '| measurement | service-ops | Kubernetes plugin | ratio | goal | result |',
    '| --- | --- | --- | --- | --- | --- |',
    `| P1 latency, p50 | ${ms(r.p1.ours.p50)} | ${ms(
      r.p1.theirs.p50,
    )} | ${round(p1Ratio50)}x faster | | |`,
    `| P1 latency, p95 | ${ms(r.p1.ours.p95)} | ${ms(
      r.p1.theirs.p95,
    )} | ${round(p1Ratio)}x faster | ≥ 20x faster at p95 | ${met(
      p1Ratio >= 20,
    )} |`,
    `| P1 answer size | ${round(mib(r.p1.oursBytes), 2)} MiB | ${round(
      mib(r.p1.theirsBytes),
      2,
    )} MiB | | | |`,
    `| P2 API-server requests, ${options.p2Clients} pages open for ${
      ours.seconds
    } s | ${ours.requests.serviceOps} | ${
      theirs.requests.kubernetesPlugin
    } | ${round(r.p2.ratio)}x fewer | ≥ 50x fewer | ${met(r.p2.ratio >= 50)} |`,
    `| P3 change to signal, p50 | ${ms(
      r.p3.fromChange.p50,
    )} | (no push) | | | |`,
    `| P3 change to signal, p95 | ${ms(
      r.p3.fromChange.p95,
    )} | (no push) | | < 1 s | ${met(r.p3.fromChange.p95 < 1000)} |`,
    `| Backend heap per 1,000 cached pods | ${round(
      mib(r.memory.perThousand),
      2,
    )} MiB | (caches nothing) | | | |`,
    '',
    '### How',
    '',
    `- **P1**: \`GET /api/service-ops/snapshot?entityRef=…\` against the Kubernetes plugin's objects-by-entity, \`POST /api/kubernetes/services/<name>\` with \`{entity, auth: {}}\` (what its frontend's \`getObjectsByEntity\` sends; \`auth\` is empty for service-account clusters). One request at a time from the backend's own process, each answer read to its last byte (compressed as the backend sends it to \`fetch\`); ${options.p1Warmup} warm-up pairs, then ${r.p1.ours.n} of each, interleaved, the order within each pair alternating. Nearest-rank percentiles.`,
    `- **P2**: ${
      options.p2Clients
    } clients open the entity page, staggered over the first ${
      KUBERNETES_REFRESH_MS / 1000
    } s, and keep it open until ${
      ours.seconds
    } s have passed, while the emulator flips one pod's readiness every ${
      options.churnMs / 1000
    } s (round robin over the clusters). service-ops: each client reads the snapshot once, subscribes over a real WebSocket to \`/api/signals\` (\`{"action":"subscribe","channel":"service-ops:live:<entityRef>"}\`, as \`SignalClient\` of \`@backstage/plugin-signals\` does) and reads the snapshot again on every signal (one read at a time per client; ${
      ours.clientRequests
    } snapshot reads, ${ours.signals} signals received, ${
      ours.failed
    } failed). Kubernetes plugin: each client POSTs objects-by-entity when it opens and retries every ${
      KUBERNETES_REFRESH_MS / 1000
    } s, as \`useKubernetesObjects\` of \`@backstage/plugin-kubernetes-react\` does by default (react-use's \`useInterval\` calling \`useAsyncRetry\`'s \`retry\`, which does nothing while the last fetch is still loading): ${
      theirs.clientRequests
    } requests, ${r.p2.skippedTicks} ticks skipped while loading, ${
      r.p2.stillInFlight
    } still loading when the window closed, ${
      theirs.failed
    } failed. The two ran one after the other on the same fleet and backend; the emulator's request counters were reset before each window and read when it closed. Requests are attributed by path: those under \`/namespaces/${
      BENCH.namespace
    }/\` are the Kubernetes plugin's, the cluster-wide lists, watches and metrics samples service-ops'. Everything the API servers received in each window: ${
      ours.requests.total
    } in service-ops' window, ${
      theirs.requests.total
    } in the Kubernetes plugin's (of which ${
      theirs.requests.serviceOps
    } were service-ops' own, which ran on). service-ops' requests in its window: ${describeServiceOps(
      ours.requests,
    )}; in the Kubernetes plugin's window: ${describeServiceOps(
      theirs.requests,
    )}. Left to itself client-node (${CLIENT_NODE}) ends a watch that has received nothing for 30 s, so watches of kinds that do not change would be renewed twice a minute; service-ops' watches ask for bookmarks (the emulator sends one a minute, as kube-apiserver's watch cache does), wait 90 s before giving a silent watch up, and ask the server to end them after a random 5 to 10 minutes. Measured counts, nothing extrapolated.`,
    `- **P3**: a client connected and subscribed as above. The emulator flips one pod's readiness and returns the time at which it wrote the change to its store (\`performance.timeOrigin + performance.now()\`, comparable between the two processes of one machine); the latency runs until the signal for the entity arrives at the client's WebSocket. ${
      r.p3.fromChange.n
    } samples, the next flip ${
      options.p3SpacingMs
    } ms after each signal, well beyond the ${PUSH_DEBOUNCE_MS} ms debounce${
      r.p3.missed ? `; ${r.p3.missed} flips brought no signal within 5 s` : ''
    }. Timed from the benchmark's own IPC send instead: p50 ${ms(
      r.p3.fromSend.p50,
    )}, p95 ${ms(r.p3.fromSend.p95)}.`,
    `- **Memory**: \`process.memoryUsage().heapUsed\` of the backend's process after forced GC (\`--expose-gc\`, four passes), in the same running backend: ${round(
      mib(r.memory.heapFull),
    )} MiB with the watches synced and all ${
      r.memory.cachedPods
    } pods cached (after P1–P3, the entity still watched for push), then ${round(
      mib(r.memory.heapEmpty),
    )} MiB after the emulator had deleted every pod and the deletions had reached the watches (0 pods; the Deployments, HPAs and PDBs stay). The difference divided by ${
      r.memory.cachedPods / 1000
    }. The Kubernetes plugin keeps nothing between requests. For scale: the process held ${round(
      mib(r.memory.heapBeforeBackend),
    )} MiB before the backend started.`,
    '',
    '### Where service-ops spends a snapshot read',
    '',
    `Alone (no Kubernetes plugin answers in between), reading back to back for ${
      options.aloneSeconds
    } s: ${r.p1.alone.n} reads, p50 ${ms(r.p1.alone.p50)}, p95 ${ms(
      r.p1.alone.p95,
    )}. Then ${
      r.p1.profiledReads
    } more reads in as long a window under V8's CPU profiler (backend's process, ${perRead(
      r.p1.profiledWallMs,
    )} each under the profiler), during which the API servers saw ${
      r.p1.profiledChanges
    } metrics samples: each is a change of a cluster, which drops the cached snapshot, so the next read or the publisher's check assembles it again. Inclusive CPU time, so nested items are part of the ones above them; "assembling" counts wherever it ran (a read, or the publisher):`,
    '',
    `| where | CPU in the ${options.aloneSeconds} s | per read | per metrics sample |`,
    '| --- | --- | --- | --- |',
    ...(
      [
        [
          "process busy (backend and the benchmark's client)",
          r.p1.cpu.totalMs - r.p1.cpu.idleMs,
        ],
        ['of which garbage collection', r.p1.cpu.gcMs],
        ['the route handler (`router.ts`, synchronous parts)', c.handler],
        [
          '- the snapshot (`KubernetesLiveState.snapshot`: the cached one, or a new assembly)',
          c.snapshot,
        ],
        [
          "- the answer's gzipped JSON (`snapshotGzip`: the head compressed per read, the rest once per assembly; or `res.json`)",
          c.responseJson,
        ],
        ['assembling snapshots (`assembleSnapshot`)', c.assembly],
        [
          "- each pod's container requests and limits (`toContainerResources`)",
          c.podResources,
        ],
        [
          '- - parsing resource quantities (`parseQuantity`)',
          c.quantityParsing,
        ],
        ["the publisher's fingerprint (`fingerprint`)", c.fingerprint],
        ['zlib (compressing on this thread, and callbacks)', c.gzip],
        [
          "catalog backend (the entity, read with the caller's credentials)",
          c.catalog,
        ],
        [
          'permission backend (catalog read and `service-ops.live.read`)',
          c.permission,
        ],
      ] as Array<[string, number]>
    ).map(
      ([where, total]) =>
        `| ${where} | ${ms(total)} | ${perRead(total)} | ${
          PER_CHANGE_ROWS.some(prefix => where.includes(prefix)) &&
          r.p1.profiledChanges
            ? ms(total / r.p1.profiledChanges)
            : ''
        } |`,
    ),
    '',
  ];
  if (p1Ratio < 20) {
    lines.push(
      `P1's goal is missed at p95: ${round(p1Ratio)}x (${round(
        p1Ratio50,
      )}x at p50) where 20x was asked. No read reaches a cluster. A read between two changes of any cluster gets the cached snapshot (the route handler: ${perRead(
        c.handler,
      )} of CPU per read on average, assemblies included); most of a read's ${perRead(
        r.p1.cpu.totalMs - r.p1.cpu.idleMs,
      )} is HTTP, gzip and the client reading the ${round(
        mib(r.p1.oursBytes),
        2,
      )} MiB answer. After a change, the snapshot is assembled again from the informers' objects${
        r.p1.profiledChanges
          ? ` (${ms(
              c.assembly / r.p1.profiledChanges,
            )} of CPU per metrics sample in the profiled window)`
          : ''
      }, by the first read or by the publisher's check, and a read that comes meanwhile waits for it: with ${
        options.clusters
      } clusters each sampled for metrics every ${METRICS_INTERVAL_SECONDS} s, the cache is dropped every few seconds. Alone, p50 ${ms(
        r.p1.alone.p50,
      )} and p95 ${ms(r.p1.alone.p95)}${
        r.p1.alone.p95 > 2 * r.p1.alone.p50
          ? ': the reads that wait for an assembly are more than 5% of them and make the p95'
          : ''
      }.${
        r.p1.alone.p95 < 0.8 * r.p1.ours.p95
          ? ` Interleaved, the tail is longer still (p95 ${ms(
              r.p1.ours.p95,
            )}): the same process collects the garbage of the Kubernetes plugin's ${round(
              mib(r.p1.theirsBytes),
              0,
            )} MiB answers.`
          : ''
      }`,
      '',
    );
  }
  const p2Parts: string[] = [];
  if (r.p2.ratio < 50) {
    p2Parts.push(
      `P2's goal is missed: ${round(
        r.p2.ratio,
      )}x fewer where 50x was asked. service-ops' ${
        ours.requests.serviceOps
      } requests do not depend on how many pages are open (${describeServiceOps(
        ours.requests,
      )}); the Kubernetes plugin's ${
        theirs.requests.kubernetesPlugin
      } are what this backend could answer: ${
        theirs.clientRequests
      } objects-by-entity calls in ${theirs.seconds} s${
        theirs.loadAverage !== undefined && ours.loadAverage !== undefined
          ? ` (the machine's 1-minute load average when the windows closed: ${round(
              ours.loadAverage,
              2,
            )} in service-ops' window, ${round(
              theirs.loadAverage,
              2,
            )} in the Kubernetes plugin's, on ${os.cpus().length} cores)`
          : ''
      }. The fewer calls it manages, the lower its count and the ratio.`,
    );
  }
  if (r.p2.skippedTicks > 0 || r.p2.stillInFlight > 0) {
    p2Parts.push(
      `${r.p2.ratio < 50 ? 'It' : 'P2: the backend'} could not answer ${
        options.p2Clients
      } pages of the Kubernetes plugin every ${
        KUBERNETES_REFRESH_MS / 1000
      } s on this machine, so refreshes were skipped while loading, as in the browser; at the nominal rate (${
        options.p2Clients
      } pages x ${Math.ceil(
        (theirs.seconds * 1000) / KUBERNETES_REFRESH_MS,
      )} refreshes x ${
        r.perObjectsCall
      } requests) the API servers would have received ${nominal} requests. The table gives what they received.`,
    );
  }
  if (p2Parts.length) lines.push(p2Parts.join(' '), '');
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  },
);
