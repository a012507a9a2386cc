import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesListObject,
  KubernetesObject,
  ListWatch,
  PolicyV1Api,
} from '@kubernetes/client-node';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ClusterState,
  CpuMemory,
} from '@internal/backstage-plugin-service-ops-common';
import { ClusterConnection } from '../config/readClusters';
import { BookmarkWatch, BookmarkWatchOptions } from './BookmarkWatch';
import { kubeConfigFor } from './kubeConfigFor';
import { quantity } from './mappers';
import { PodMetricsList, WatchedObjects } from './wireTypes';

/** The kinds each cluster is watched for, one informer each. */
export const WATCHED_KINDS = [
  'pods',
  'deployments',
  'statefulsets',
  'rollouts',
  'hpas',
  'scaledobjects',
  'pdbs',
  'events',
] as const;
export type WatchedKind = (typeof WATCHED_KINDS)[number];

const MAX_BACKOFF_MS = 30_000;

export interface WatcherOptions {
  /** How often pod metrics (metrics.k8s.io) are sampled. */
  metricsIntervalMs: number;
  /** How the watches are kept (bookmarks, timeouts); `DEFAULT_BOOKMARK_WATCH` when absent. */
  watch?: Partial<BookmarkWatchOptions>;
  /** Called (synchronously, often) whenever an object of the cluster changes or its state does. */
  onChange: () => void;
}

/**
 * One cluster's live state, kept by client-node informers (one per kind, listed once and
 * then watched with bookmarks, see `BookmarkWatch`; client-node relists on 410 Gone) and
 * served from memory, plus pod metrics
 * sampled on an interval. A failed watch marks the cluster stale, keeps the last known
 * objects, and restarts that informer with exponential backoff; once every informer runs
 * again the cluster is live.
 *
 * This is the only module that talks to Kubernetes.
 */
export class KubernetesClusterWatcher {
  private readonly informers = new Map<
    WatchedKind,
    ListWatch<KubernetesObject>
  >();
  private readonly healthy = new Map<WatchedKind, boolean>();
  private readonly backoff = new Map<WatchedKind, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private usage = new Map<string, Map<string, CpuMemory>>();
  private metricsTimer?: NodeJS.Timeout;
  private metricsError?: string;
  private lastSyncAt?: Date;
  private lastError?: string;
  private stopped = false;
  private custom?: CustomObjectsApi;

  constructor(
    readonly connection: ClusterConnection,
    private readonly logger: LoggerService,
    private readonly options: WatcherOptions,
  ) {}

  /** Starts the informers and the metrics sampler; resolves when each informer has listed once or failed once. */
  async start(): Promise<void> {
    const kc = kubeConfigFor(this.connection);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const autoscaling = kc.makeApiClient(AutoscalingV2Api);
    const policy = kc.makeApiClient(PolicyV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    this.custom = custom;
    // The custom objects API answers untyped JSON: a list of the kind's objects.
    const crd = (group: string, version: string, plural: string) => () =>
      custom.listClusterCustomObject({
        group,
        version,
        plural,
      }) as Promise<KubernetesListObject<KubernetesObject>>;
    const definitions: Record<
      WatchedKind,
      [string, () => Promise<KubernetesListObject<KubernetesObject>>]
    > = {
      pods: ['/api/v1/pods', () => core.listPodForAllNamespaces()],
      deployments: [
        '/apis/apps/v1/deployments',
        () => apps.listDeploymentForAllNamespaces(),
      ],
      statefulsets: [
        '/apis/apps/v1/statefulsets',
        () => apps.listStatefulSetForAllNamespaces(),
      ],
      rollouts: [
        '/apis/argoproj.io/v1alpha1/rollouts',
        crd('argoproj.io', 'v1alpha1', 'rollouts'),
      ],
      hpas: [
        '/apis/autoscaling/v2/horizontalpodautoscalers',
        () => autoscaling.listHorizontalPodAutoscalerForAllNamespaces(),
      ],
      scaledobjects: [
        '/apis/keda.sh/v1alpha1/scaledobjects',
        crd('keda.sh', 'v1alpha1', 'scaledobjects'),
      ],
      pdbs: [
        '/apis/policy/v1/poddisruptionbudgets',
        () => policy.listPodDisruptionBudgetForAllNamespaces(),
      ],
      events: [
        '/api/v1/events',
        () => core.listEventForAllNamespaces({ fieldSelector: 'type=Warning' }),
      ],
    };
    await Promise.all(
      WATCHED_KINDS.map(async kind => {
        const [path, list] = definitions[kind];
        // ListWatch is what makeInformer builds; used directly for the field selector.
        const informer = new ListWatch<KubernetesObject>(
          path,
          new BookmarkWatch(kc, this.options.watch),
          list,
          false,
          undefined,
          kind === 'events' ? 'type=Warning' : undefined,
        );
        this.informers.set(kind, informer);
        for (const event of ['add', 'update', 'delete'] as const) {
          informer.on(event, () => this.options.onChange());
        }
        informer.on('error', error => this.markFailed(kind, error));
        await this.startInformer(kind);
      }),
    );
    await this.sampleMetrics();
  }

  private async startInformer(kind: WatchedKind) {
    if (this.stopped) return;
    try {
      await this.informers.get(kind)!.start();
      this.markHealthy(kind);
    } catch (error) {
      this.markFailed(kind, error);
    }
  }

  private allHealthy() {
    return WATCHED_KINDS.every(k => this.healthy.get(k));
  }

  private markHealthy(kind: WatchedKind) {
    this.healthy.set(kind, true);
    this.backoff.delete(kind);
    if (this.allHealthy()) {
      this.lastSyncAt = new Date();
      this.lastError = undefined;
    }
    this.options.onChange();
  }

  private markFailed(kind: WatchedKind, error: unknown) {
    if (this.stopped) return;
    const message = error instanceof Error ? error.message : String(error);
    if (this.allHealthy()) this.lastSyncAt = new Date();
    this.healthy.set(kind, false);
    this.lastError = `${kind}: ${message}`;
    const delay = Math.min(MAX_BACKOFF_MS, (this.backoff.get(kind) ?? 250) * 2);
    this.backoff.set(kind, delay);
    this.logger.warn(
      `cluster ${this.connection.name}: ${kind} watch failed (${message}); retrying in ${delay} ms`,
    );
    this.options.onChange();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.informers
        .get(kind)
        ?.stop()
        .catch(() => undefined);
      this.startInformer(kind);
    }, delay);
    this.timers.add(timer);
  }

  /** Samples metrics.k8s.io pod metrics, then schedules the next sample. */
  private async sampleMetrics() {
    if (this.stopped || !this.custom) return;
    try {
      const list: PodMetricsList = await this.custom.listClusterCustomObject({
        group: 'metrics.k8s.io',
        version: 'v1beta1',
        plural: 'pods',
      });
      const usage = new Map<string, Map<string, CpuMemory>>();
      for (const item of list.items ?? []) {
        const containers = new Map<string, CpuMemory>();
        for (const c of item.containers ?? []) {
          containers.set(c.name, {
            cpu: quantity(c.usage?.cpu),
            memory: quantity(c.usage?.memory),
          });
        }
        usage.set(
          `${item.metadata?.namespace}/${item.metadata?.name}`,
          containers,
        );
      }
      this.usage = usage;
      this.metricsError = undefined;
      this.options.onChange();
    } catch (error) {
      // Metrics are optional (no metrics-server): keep the last sample, do not mark the cluster stale.
      this.metricsError = (error as Error).message;
    }
    if (!this.stopped) {
      this.metricsTimer = setTimeout(
        () => this.sampleMetrics(),
        this.options.metricsIntervalMs,
      );
    }
  }

  state(): ClusterState {
    const live = this.allHealthy();
    const started = WATCHED_KINDS.some(k => this.healthy.has(k));
    let status: ClusterState['status'] = 'syncing';
    if (live) status = 'live';
    else if (started) status = 'stale';
    const lastSyncAt = live ? new Date() : this.lastSyncAt;
    return {
      name: this.connection.name,
      status,
      ...(lastSyncAt ? { lastSyncAt: lastSyncAt.toISOString() } : {}),
      ...(!live && this.lastError ? { error: this.lastError } : {}),
    };
  }

  /** Why the last metrics sample failed, if it did. */
  metricsProblem(): string | undefined {
    return this.metricsError;
  }

  /** The cached objects of a kind (the informer's own objects: read-only). */
  objects<K extends WatchedKind>(kind: K): readonly WatchedObjects[K][] {
    // Each informer lists and watches one kind only: its objects are of that kind's shape.
    return (this.informers.get(kind)?.list() ?? []) as WatchedObjects[K][];
  }

  /** The last sampled usage of a pod's containers. */
  podUsage(
    namespace: string,
    name: string,
  ): Map<string, CpuMemory> | undefined {
    return this.usage.get(`${namespace}/${name}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(t => clearTimeout(t));
    this.timers.clear();
    if (this.metricsTimer) clearTimeout(this.metricsTimer);
    await Promise.all(
      [...this.informers.values()].map(i => i.stop().catch(() => undefined)),
    );
  }
}
