import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  classifyRegion,
  combineHealth,
  ContainerRegionState,
  ContainerSnapshot,
  CpuMemory,
  DeclaredContainer,
  EntitySnapshot,
  findDrift,
  LiveHpa,
  LivePod,
} from '@internal/backstage-plugin-service-ops-common';
import type { V1Pod } from '@kubernetes/client-node';
import { ClusterConnection } from '../config/readClusters';
import { BookmarkWatchOptions } from './BookmarkWatch';
import { KubernetesClusterWatcher } from './KubernetesClusterWatcher';
import {
  toLiveEvent,
  toLiveHpa,
  toLivePdb,
  toLivePod,
  toLiveWorkload,
} from './mappers';

const KUBERNETES_ID = 'backstage.io/kubernetes-id';
const LABEL_SELECTOR = 'backstage.io/kubernetes-label-selector';
const NAMESPACE = 'backstage.io/kubernetes-namespace';
const WARNINGS_PER_REGION = 10;

/** A container the topology document declares, with the ref of its catalog entity. */
export interface DeclaredModel {
  entityRef: string;
  container: DeclaredContainer;
}

/** The live state of the entities' workloads, from one watcher per cluster. */
export interface LiveStateService {
  /**
   * @param declared - the declared containers of the entity (itself for a container, its
   *   parts for a service), for the drift check
   */
  snapshot(entity: Entity, declared: DeclaredModel[]): EntitySnapshot;
  /** Every cluster's workloads, for the history sampler. */
  allContainers(): Array<{ cluster: string; container: ContainerSnapshot }>;
  /**
   * One container's state in one cluster (its workload, pods, HPA, PDB), or undefined
   * when the cluster does not run it or is not configured. Reads only that cluster's
   * objects of that container: cheap enough for every step of an operation.
   */
  containerRegion(
    cluster: string,
    container: string,
  ): ContainerRegionState | undefined;
  /** Subscribes to changes of any cluster's objects; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** `a=b,c=d` -> labels that must all match; the equality form the annotations use. */
export function parseEqualitySelector(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map(p => p.trim())
    .filter(Boolean)) {
    const match = /^([\w./-]+)\s*==?\s*([\w./-]+)$/.exec(part);
    if (!match) {
      throw new Error(
        `unsupported label selector '${part}' (only key=value terms are supported)`,
      );
    }
    labels[match[1]] = match[2];
  }
  return labels;
}

/** How many entities' snapshots are kept between changes. */
const SNAPSHOT_CACHE_ENTRIES = 200;

const matchesLabels = (
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) =>
  !!selector &&
  Object.keys(selector).length > 0 &&
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * Matches workloads to entities with the annotations the Kubernetes plugin uses
 * (`backstage.io/kubernetes-label-selector`, else `backstage.io/kubernetes-id`, optionally
 * `backstage.io/kubernetes-namespace`) and assembles snapshots from the watchers' memory:
 * no request reaches a cluster while a snapshot is built.
 */
export class KubernetesLiveState implements LiveStateService {
  static async create(options: {
    clusters: ClusterConnection[];
    logger: LoggerService;
    metricsIntervalMs?: number;
    watch?: Partial<BookmarkWatchOptions>;
  }): Promise<KubernetesLiveState> {
    const listeners = new Set<() => void>();
    const changes = { version: 0 };
    const watchers = options.clusters.map(
      connection =>
        new KubernetesClusterWatcher(
          connection,
          options.logger.child({ cluster: connection.name }),
          {
            metricsIntervalMs: options.metricsIntervalMs ?? 15_000,
            watch: options.watch,
            onChange: () => {
              changes.version++;
              listeners.forEach(l => l());
            },
          },
        ),
    );
    const state = new KubernetesLiveState(watchers, listeners, changes);
    await Promise.all(watchers.map(w => w.start()));
    return state;
  }

  /**
   * Pods as mapped for the last usage sample, by the informer's object: an update
   * replaces the object, so an entry is current for as long as its key is cached.
   */
  private readonly pods = new WeakMap<
    V1Pod,
    { usage?: Map<string, CpuMemory>; pod: LivePod }
  >();

  /** Snapshots assembled since the last change of any cluster, by entity and model. */
  private readonly cache = new Map<
    string,
    { version: number; snapshot: EntitySnapshot }
  >();

  private constructor(
    private readonly watchers: KubernetesClusterWatcher[],
    private readonly listeners: Set<() => void>,
    /** Counts the changes of any cluster's objects, metrics or state. */
    private readonly changes: { version: number },
  ) {}

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The containers (by workload) one cluster runs that match `select`. */
  private containersIn(
    watcher: KubernetesClusterWatcher,
    select: (labels: Record<string, string>, namespace: string) => boolean,
  ): Map<string, Omit<ContainerRegionState, 'health'>> {
    const result = new Map<string, Omit<ContainerRegionState, 'health'>>();
    const cluster = watcher.connection.name;
    const containerOf = (
      labels: Record<string, string> | undefined,
      fallback: string,
    ) =>
      labels?.[KUBERNETES_ID] ?? labels?.['app.kubernetes.io/name'] ?? fallback;

    const workloads = [
      ...watcher.objects('deployments').map(o => ['Deployment', o] as const),
      ...watcher.objects('statefulsets').map(o => ['StatefulSet', o] as const),
      ...watcher.objects('rollouts').map(o => ['Rollout', o] as const),
    ].filter(([, o]) =>
      select(o.metadata?.labels ?? {}, o.metadata?.namespace ?? ''),
    );
    if (workloads.length === 0) return result;

    const scaledObjects = watcher.objects('scaledobjects');
    const hpas = watcher.objects('hpas');
    const pdbs = watcher.objects('pdbs');
    const pods = watcher.objects('pods');
    const events = watcher.objects('events');

    for (const workload of workloads) {
      const [kind, raw] = workload;
      const namespace = raw.metadata?.namespace ?? '';
      const name = containerOf(raw.metadata?.labels, raw.metadata?.name ?? '');
      const podSelector = raw.spec?.selector?.matchLabels as
        | Record<string, string>
        | undefined;
      const templateLabels = raw.spec?.template?.metadata?.labels as
        | Record<string, string>
        | undefined;
      const workloadPods = pods.filter(
        p =>
          p.metadata?.namespace === namespace &&
          matchesLabels(podSelector, p.metadata?.labels),
      );
      const hpaObject = hpas.find(
        h =>
          h.metadata?.namespace === namespace &&
          h.spec?.scaleTargetRef?.kind === kind &&
          h.spec?.scaleTargetRef?.name === raw.metadata?.name,
      );
      let hpa: LiveHpa | undefined;
      if (hpaObject) {
        const owner = (hpaObject.metadata?.ownerReferences ?? []).find(
          r => r.kind === 'ScaledObject',
        );
        const so = owner
          ? scaledObjects.find(
              s =>
                s.metadata?.namespace === namespace &&
                s.metadata?.name === owner.name,
            )
          : undefined;
        hpa = toLiveHpa(
          hpaObject,
          so
            ? {
                name: so.metadata?.name ?? owner?.name ?? '',
                triggers: (so.spec?.triggers ?? []).map(t => ({
                  type: t.type,
                  metadata: t.metadata ?? {},
                })),
              }
            : undefined,
        );
      }
      const pdbObject = pdbs.find(
        p =>
          p.metadata?.namespace === namespace &&
          matchesLabels(p.spec?.selector?.matchLabels, templateLabels),
      );
      const involved = new Set([
        `${kind}/${raw.metadata?.name}`,
        ...(hpaObject
          ? [`HorizontalPodAutoscaler/${hpaObject.metadata?.name}`]
          : []),
        ...workloadPods.map(p => `Pod/${p.metadata?.name}`),
      ]);
      const warnings = events
        .filter(
          e => e.metadata?.namespace === namespace && e.type === 'Warning',
        )
        .map(toLiveEvent)
        .filter(e => involved.has(e.object))
        .sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? ''))
        .slice(0, WARNINGS_PER_REGION);
      result.set(name, {
        cluster,
        workload: toLiveWorkload(workload),
        pods: workloadPods
          .map(p =>
            this.livePod(
              p,
              watcher.podUsage(namespace, p.metadata?.name ?? ''),
            ),
          )
          .sort((a, b) => a.name.localeCompare(b.name)),
        ...(hpa ? { hpa } : {}),
        ...(pdbObject ? { pdb: toLivePdb(pdbObject) } : {}),
        warnings,
      });
    }
    return result;
  }

  private assemble(
    select: (labels: Record<string, string>, namespace: string) => boolean,
    declared: DeclaredModel[],
  ): Pick<EntitySnapshot, 'clusters' | 'containers'> {
    const clusters = this.watchers.map(w => w.state());
    const byContainer = new Map<
      string,
      Array<Omit<ContainerRegionState, 'health'>>
    >();
    for (const watcher of this.watchers) {
      for (const [container, region] of this.containersIn(watcher, select)) {
        byContainer.set(container, [
          ...(byContainer.get(container) ?? []),
          region,
        ]);
      }
    }
    for (const model of declared) {
      if (!byContainer.has(model.container.container))
        byContainer.set(model.container.container, []);
    }
    const containers: ContainerSnapshot[] = [...byContainer.entries()]
      .map(([container, found]) => {
        const model = declared.find(d => d.container.container === container);
        const isDeclared = !!model;
        // Every cluster gets a region, so that "not deployed here" is visible.
        const regions: ContainerRegionState[] = clusters.map(cluster => {
          const region = found.find(r => r.cluster === cluster.name) ?? {
            cluster: cluster.name,
            pods: [],
            warnings: [],
          };
          return {
            ...region,
            health: classifyRegion(region, cluster, isDeclared),
          };
        });
        return {
          container,
          ...(model ? { entityRef: model.entityRef } : {}),
          declared: isDeclared,
          regions,
          health: combineHealth(
            regions.map(r => ({
              level: r.health.level,
              reasons: r.health.reasons.map(
                reason => `${r.cluster}: ${reason}`,
              ),
            })),
          ),
        };
      })
      .sort((a, b) => a.container.localeCompare(b.container));
    return { clusters, containers };
  }

  /**
   * The entity's snapshot. Until any cluster changes, reads of the same entity (with the
   * same annotations and declared model) share one assembly; each read still gets its own
   * time and the clusters' current state.
   */
  snapshot(entity: Entity, declared: DeclaredModel[]): EntitySnapshot {
    const key = JSON.stringify([
      stringifyEntityRef(entity),
      entity.metadata.annotations ?? {},
      declared,
    ]);
    const cached = this.cache.get(key);
    if (cached?.version === this.changes.version) {
      return {
        ...cached.snapshot,
        generatedAt: new Date().toISOString(),
        clusters: this.watchers.map(w => w.state()),
      };
    }
    const version = this.changes.version;
    const snapshot = this.assembleSnapshot(entity, declared);
    this.cache.delete(key);
    this.cache.set(key, { version, snapshot });
    // Bounded: the oldest entries (by insertion) go first.
    while (this.cache.size > SNAPSHOT_CACHE_ENTRIES) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    return snapshot;
  }

  private livePod(pod: V1Pod, usage?: Map<string, CpuMemory>): LivePod {
    const cached = this.pods.get(pod);
    if (cached && cached.usage === usage) return cached.pod;
    const mapped = toLivePod(pod, usage);
    this.pods.set(pod, { usage, pod: mapped });
    return mapped;
  }

  private assembleSnapshot(
    entity: Entity,
    declared: DeclaredModel[],
  ): EntitySnapshot {
    const annotations = entity.metadata.annotations ?? {};
    const selector = annotations[LABEL_SELECTOR]
      ? parseEqualitySelector(annotations[LABEL_SELECTOR])
      : { [KUBERNETES_ID]: annotations[KUBERNETES_ID] ?? entity.metadata.name };
    const namespace = annotations[NAMESPACE];
    const { clusters, containers } = this.assemble(
      (labels, objectNamespace) =>
        (!namespace || namespace === objectNamespace) &&
        Object.entries(selector).every(([k, v]) => labels[k] === v),
      declared,
    );
    const drift = findDrift(
      declared.map(d => d.container),
      containers,
      clusters,
      // A container entity selects its own workload only; undeclared ones are a service's finding.
      !annotations[KUBERNETES_ID] || !!annotations[LABEL_SELECTOR],
    );
    return {
      entityRef: stringifyEntityRef(entity),
      generatedAt: new Date().toISOString(),
      clusters,
      containers,
      drift,
    };
  }

  allContainers(): Array<{ cluster: string; container: ContainerSnapshot }> {
    const result: Array<{ cluster: string; container: ContainerSnapshot }> = [];
    const { containers } = this.assemble(() => true, []);
    for (const container of containers) {
      for (const region of container.regions) {
        if (region.workload)
          result.push({ cluster: region.cluster, container });
      }
    }
    return result;
  }

  containerRegion(
    cluster: string,
    container: string,
  ): ContainerRegionState | undefined {
    const watcher = this.watchers.find(w => w.connection.name === cluster);
    if (!watcher) return undefined;
    // Only the workloads labelled as the container (or not labelled at all, whose
    // container is their name) are mapped.
    const region = this.containersIn(watcher, labels => {
      const id = labels[KUBERNETES_ID] ?? labels['app.kubernetes.io/name'];
      return id === undefined || id === container;
    }).get(container);
    if (!region) return undefined;
    return {
      ...region,
      health: classifyRegion(region, watcher.state(), true),
    };
  }

  async stop() {
    await Promise.all(this.watchers.map(w => w.stop()));
  }
}
