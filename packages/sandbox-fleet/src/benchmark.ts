/* eslint-disable no-console */
import fs from 'node:fs';
import path from 'node:path';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { Cluster, ManualClock, findType } from '@internal/k8s-emulator';
import type { MetricsProvider } from '@internal/k8s-emulator';
import { Fleet } from './Fleet';
import { findRepoRoot } from './services';

/**
 * Benchmarks of the sandbox, printed and written to docs/benchmarks.md:
 * - list and watch fan-out at 4 clusters x 1,000 pods, through client-node;
 * - the fleet's memory;
 * - the controllers' CPU at acceleration 1x and 60x.
 *
 * Run: yarn workspace @internal/sandbox-fleet benchmark (BENCH_SECONDS=n to lengthen).
 */

const PODS = 1000;
const CLUSTERS = 4;
const TOKEN = 'bench';
const seconds = Number(process.env.BENCH_SECONDS ?? 15);

const idle: MetricsProvider = {
  containerUsage: () => ({ cpu: 0.1, memory: 2 ** 28 }),
  podMetric: () => undefined,
  externalMetric: () => undefined,
};

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function kubeConfig(url: string) {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: TOKEN }],
    contexts: [{ name: 'c', cluster: 'c', user: 'u' }],
    currentContext: 'c',
  });
  return kc;
}

async function fanOut() {
  const podType = findType('', 'v1', 'pods')!;
  const namespaceType = findType('', 'v1', 'namespaces')!;
  const clusters: Array<{ cluster: Cluster; url: string }> = [];
  for (let i = 0; i < CLUSTERS; i++) {
    const cluster = new Cluster({
      name: `c${i}`,
      clock: new ManualClock(),
      metrics: idle,
      tokens: { [TOKEN]: 'read-write' },
      nodes: 1,
    });
    cluster.store.create(namespaceType, { metadata: { name: 'bench' } });
    for (let p = 0; p < PODS; p++) {
      cluster.store.create(podType, {
        metadata: {
          name: `pod-${p}`,
          namespace: 'bench',
          labels: { app: `app-${p % 10}` },
        },
        spec: {
          containers: [
            {
              name: 'main',
              image: 'x',
              resources: { requests: { cpu: '100m', memory: '128Mi' } },
            },
          ],
        },
        status: { phase: 'Running' },
      });
    }
    clusters.push({ cluster, url: await cluster.api.listen() });
  }

  // Full lists of 1,000 pods, all four clusters at once, for `seconds`.
  const latencies: number[] = [];
  let lists = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    clusters.map(async ({ url }) => {
      const core = kubeConfig(url).makeApiClient(CoreV1Api);
      while (Date.now() < until) {
        const started = performance.now();
        const list = await core.listNamespacedPod({ namespace: 'bench' });
        latencies.push(performance.now() - started);
        if (list.items.length !== PODS)
          throw new Error(`listed ${list.items.length} pods`);
        lists++;
      }
    }),
  );
  const listResult = {
    lists,
    listsPerSecond: lists / seconds,
    podsPerSecond: (lists * PODS) / seconds,
    medianMs: median(latencies),
  };

  // Watch fan-out: 10 watchers per cluster, every pod updated once.
  const WATCHERS = 10;
  const counter = { delivered: 0 };
  const expected = CLUSTERS * WATCHERS * PODS;
  const aborts: AbortController[] = [];
  for (const { url, cluster } of clusters) {
    const rv = String(cluster.store.resourceVersion);
    for (let w = 0; w < WATCHERS; w++) {
      aborts.push(
        await new Watch(kubeConfig(url)).watch(
          '/api/v1/namespaces/bench/pods',
          { resourceVersion: rv },
          () => {
            counter.delivered++;
          },
          () => undefined,
        ),
      );
    }
  }
  const started = performance.now();
  for (const { cluster } of clusters) {
    for (let p = 0; p < PODS; p++) {
      const pod = cluster.store.mustGet(podType, 'bench', `pod-${p}`);
      pod.metadata.labels = { ...pod.metadata.labels, touched: 'yes' };
      cluster.store.update(podType, pod);
    }
  }
  while (counter.delivered < expected && performance.now() - started < 60_000) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  const watchMs = performance.now() - started;
  aborts.forEach(a => a.abort());
  await Promise.all(clusters.map(c => c.cluster.stop()));
  return {
    list: listResult,
    watch: {
      watchers: CLUSTERS * WATCHERS,
      delivered: counter.delivered,
      expected,
      ms: watchMs,
      eventsPerSecond: (counter.delivered / watchMs) * 1000,
    },
  };
}

async function fleetCost(acceleration: number) {
  const fleet = await Fleet.start({ acceleration, seed: 42 });
  fleet.run(500);
  // Let the fleet settle, then measure CPU over `seconds`.
  await new Promise(resolve => setTimeout(resolve, 3000));
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const stepTimes: number[] = [];
  const sampler = setInterval(
    () => stepTimes.push(...fleet.clusters.map(c => c.cluster.lastStepMs)),
    500,
  );
  await new Promise(resolve => setTimeout(resolve, seconds * 1000));
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpuStart);
  const wall = performance.now() - wallStart;
  const podType = findType('', 'v1', 'pods')!;
  const pods = fleet.clusters.reduce(
    (n, c) => n + c.cluster.store.list(podType).length,
    0,
  );
  global.gc?.();
  const after = process.memoryUsage();
  await fleet.stop();
  return {
    acceleration,
    pods,
    cpuPercent: ((cpu.user + cpu.system) / 1000 / wall) * 100,
    medianStepMs: median(stepTimes),
    heapMb: after.heapUsed / 2 ** 20,
    rssMb: after.rss / 2 ** 20,
  };
}

async function main() {
  console.log(
    `benchmark: ${CLUSTERS} clusters x ${PODS} pods, ${seconds} s per measurement`,
  );
  const fan = await fanOut();
  console.log(
    `list: ${fan.list.lists} full lists, ${fan.list.listsPerSecond.toFixed(
      1,
    )} lists/s = ${Math.round(
      fan.list.podsPerSecond,
    )} pods/s, median ${fan.list.medianMs.toFixed(1)} ms`,
  );
  console.log(
    `watch: ${fan.watch.delivered}/${fan.watch.expected} events to ${
      fan.watch.watchers
    } watchers in ${fan.watch.ms.toFixed(0)} ms = ${Math.round(
      fan.watch.eventsPerSecond,
    )} events/s`,
  );
  const slow = await fleetCost(1);
  const fast = await fleetCost(60);
  for (const r of [slow, fast]) {
    console.log(
      `fleet x${r.acceleration}: ${
        r.pods
      } pods, controller CPU ${r.cpuPercent.toFixed(
        1,
      )}% of one core, median controller pass ${r.medianStepMs.toFixed(
        1,
      )} ms per cluster, heap in use ${r.heapMb.toFixed(
        0,
      )} MiB, RSS ${r.rssMb.toFixed(0)} MiB`,
    );
  }
  const root = findRepoRoot();
  const lines = [
    '# Benchmarks',
    '',
    `Sandbox (Kubernetes API emulator and simulated fleet), measured ${new Date()
      .toISOString()
      .slice(
        0,
        10,
      )} on this project's machine kind (2 cores) by \`yarn workspace @internal/sandbox-fleet benchmark\`, all figures from one run, ${seconds} s per measurement. Medians where a figure is a latency.`,
    '',
    '## List and watch fan-out, 4 clusters x 1,000 pods (client-node over HTTP)',
    '',
    '| measurement | result |',
    '| --- | --- |',
    `| full lists of 1,000 pods, 4 clusters in parallel | ${fan.list.listsPerSecond.toFixed(
      1,
    )} lists/s (${Math.round(
      fan.list.podsPerSecond,
    )} pods/s), median ${fan.list.medianMs.toFixed(1)} ms per list |`,
    `| watch fan-out: 4,000 pod updates to ${
      fan.watch.watchers
    } watchers (10 per cluster) | ${fan.watch.delivered} of ${
      fan.watch.expected
    } events in ${fan.watch.ms.toFixed(0)} ms = ${Math.round(
      fan.watch.eventsPerSecond,
    )} events/s |`,
    '',
    '## The fleet (4 regions, both services, load model running)',
    '',
    '| acceleration | pods | controller CPU (% of one core) | median controller pass per cluster | heap in use (whole process, after GC) | RSS |',
    '| --- | --- | --- | --- | --- | --- |',
    ...[slow, fast].map(
      r =>
        `| ${r.acceleration}x | ${r.pods} | ${r.cpuPercent.toFixed(
          1,
        )}% | ${r.medianStepMs.toFixed(1)} ms | ${r.heapMb.toFixed(
          0,
        )} MiB | ${r.rssMb.toFixed(0)} MiB |`,
    ),
    '',
    `Ratio of controller CPU at 60x to 1x: ${(
      fast.cpuPercent / Math.max(0.01, slow.cpuPercent)
    ).toFixed(
      1,
    )}. The controllers run every 500 ms of real time at any acceleration; at 60x more happens per pass (more scaling, more pods starting and stopping), so a pass costs more.`,
    '',
  ];
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, 'docs/benchmarks.md'), lines.join('\n'));
  console.log('written to docs/benchmarks.md');
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
