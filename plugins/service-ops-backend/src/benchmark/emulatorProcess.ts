/* eslint-disable @backstage/no-undeclared-imports -- benchmark only: the emulator is a devDependency */
import { randomBytes } from 'node:crypto';
import {
  Cluster,
  findType,
  generateTls,
  ManualClock,
  timestamp,
} from '@internal/k8s-emulator';
import type { KubeObject, MetricsProvider } from '@internal/k8s-emulator';
/* eslint-enable @backstage/no-undeclared-imports */
import { BENCH, benchManifests } from './benchManifests';
import type {
  ClusterCounters,
  EmulatorCommand,
  EmulatorFleetInfo,
  EmulatorFleetOptions,
  EmulatorMessage,
  FlipResult,
} from './EmulatorFleet';

/**
 * The emulator process of {@link EmulatorFleet}: builds the clusters (the controllers make
 * the pods, then stop: the clock is manual), serves them and answers the parent.
 */

const REGIONS = ['us', 'eu', 'me', 'ap'];
const podType = findType('', 'v1', 'pods')!;
const deploymentType = findType('apps', 'v1', 'deployments')!;
const hpaType = findType('autoscaling', 'v2', 'horizontalpodautoscalers')!;

// 60% of the 100m CPU request: the HPA's target, so that it keeps the replicas where they are.
const steady: MetricsProvider = {
  containerUsage: () => ({ cpu: 0.06, memory: 96 * 2 ** 20 }),
  podMetric: () => undefined,
  externalMetric: () => undefined,
};

function reply(message: EmulatorMessage) {
  process.send!(message);
}

async function buildCluster(
  name: string,
  options: EmulatorFleetOptions,
  index: number,
  tokens: Record<string, 'read-write'>,
  tls?: { key: string; cert: string },
): Promise<Cluster> {
  const clock = new ManualClock();
  const cluster = new Cluster({
    name,
    clock,
    metrics: steady,
    tokens,
    tls,
    seed: options.seed + index,
    nodes: Math.ceil(options.pods / 100),
  });
  for (const manifest of benchManifests({
    replicas: options.pods,
    min: Math.ceil(options.pods / 2),
    max: options.pods * 2,
  })) {
    const type = findType(manifest.group, manifest.version, manifest.resource)!;
    cluster.store.create(type, manifest.object);
  }
  // Controller passes until every pod is Ready and the HPA has read their metrics.
  const settled = () =>
    cluster.store.mustGet(deploymentType, BENCH.namespace, BENCH.name).status
      ?.readyReplicas === options.pods &&
    (
      cluster.store.mustGet(hpaType, BENCH.namespace, BENCH.name).status
        ?.conditions ?? []
    ).some((c: any) => c.type === 'ScalingActive' && c.status === 'True');
  for (let pass = 0; pass < 30 && !settled(); pass++) {
    cluster.step();
    clock.advance(5_000);
  }
  const ready = cluster.store
    .list(podType, BENCH.namespace)
    .filter(p =>
      (p.status?.conditions ?? []).some(
        (c: any) => c.type === 'Ready' && c.status === 'True',
      ),
    ).length;
  if (ready !== options.pods || !settled()) {
    throw new Error(
      `${name}: ${ready} of ${options.pods} pods became Ready, or the HPA never read their metrics`,
    );
  }
  return cluster;
}

/** Ready -> not Ready or back, as a failing readiness probe would make it. */
function flipPod(cluster: Cluster, turn: number): FlipResult {
  const pods = cluster.store.list(podType, BENCH.namespace);
  const pod = pods[(turn * 7919) % pods.length];
  const ready = (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );
  const status = ready ? 'False' : 'True';
  const transitionAt = timestamp(Date.now());
  const next: KubeObject = {
    ...pod,
    status: {
      ...pod.status,
      conditions: (pod.status?.conditions ?? []).map((c: any) =>
        c.type === 'Ready' || c.type === 'ContainersReady'
          ? { ...c, status, lastTransitionTime: transitionAt }
          : c,
      ),
      containerStatuses: (pod.status?.containerStatuses ?? []).map(
        (s: any) => ({ ...s, ready: !ready }),
      ),
    },
  };
  const at = performance.timeOrigin + performance.now();
  cluster.store.update(podType, next, { subresource: 'status' });
  return {
    at,
    cluster: cluster.name,
    pod: pod.metadata.name ?? '',
    ready: !ready,
  };
}

/** Deletes the workload's pods (the controllers do not run: they are not replaced). */
function deletePods(cluster: Cluster): number {
  const pods = cluster.store.list(podType, BENCH.namespace);
  for (const pod of pods) {
    cluster.store.delete(podType, BENCH.namespace, pod.metadata.name!);
  }
  return pods.length;
}

async function main() {
  const options: EmulatorFleetOptions = JSON.parse(
    process.env.EMULATOR_OPTIONS ?? '{}',
  );
  const started = performance.now();
  const token = randomBytes(24).toString('hex');
  const tls = options.tls ? await generateTls() : undefined;
  const clusters: Cluster[] = [];
  const info: EmulatorFleetInfo = {
    clusters: [],
    token,
    ...(tls ? { ca: tls.ca } : {}),
    setupMs: 0,
  };
  for (let i = 0; i < options.clusters; i++) {
    const name = REGIONS[i] ?? `c${i + 1}`;
    const cluster = await buildCluster(
      name,
      options,
      i,
      { [token]: 'read-write' },
      tls && { key: tls.key, cert: tls.cert },
    );
    clusters.push(cluster);
    info.clusters.push({
      name,
      url: await cluster.api.listen(0),
      pods: cluster.store.list(podType, BENCH.namespace).length,
    });
  }
  info.setupMs = performance.now() - started;

  let turn = 0;
  const flip = (index: number) => flipPod(clusters[index], turn++);
  let churn: NodeJS.Timeout | undefined;
  process.on('message', (command: EmulatorCommand) => {
    try {
      let result: unknown = undefined;
      switch (command.op) {
        case 'counters':
          result = clusters.map(
            (c): ClusterCounters => ({
              cluster: c.name,
              total: c.api.requestCount,
              requests: Object.fromEntries(c.api.requests),
            }),
          );
          break;
        case 'resetCounters':
          clusters.forEach(c => c.api.resetCounters());
          break;
        case 'flipPod':
          result = flip(command.cluster % clusters.length);
          break;
        case 'deletePods':
          result = clusters.reduce((n, c) => n + deletePods(c), 0);
          break;
        case 'churn':
          clearInterval(churn);
          churn = undefined;
          if (command.everyMs > 0) {
            let next = 0;
            churn = setInterval(
              () => flip(next++ % clusters.length),
              command.everyMs,
            );
          }
          break;
        default:
          throw new Error(`unknown command ${JSON.stringify(command)}`);
      }
      reply({ id: command.id, result });
    } catch (error) {
      reply({ id: command.id, error: String(error) });
    }
  });
  // The parent's end is ours.
  process.on('disconnect', () => process.exit(0));
  reply({ ready: info });
}

main().catch(error => {
  reply({ failed: String(error?.stack ?? error) });
  process.exit(1);
});
