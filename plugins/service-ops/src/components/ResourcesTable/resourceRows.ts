import type {
  DeclaredContainer,
  DriftFinding,
  DriftKind,
  EntitySnapshot,
  LiveContainerResources,
} from '@internal/backstage-plugin-service-ops-common';
import { findDrift } from '../../lib/describeDrift';

export type ResourceKind = 'cpu' | 'memory';

export interface ResourceValue {
  /** As the topology document declares it (cores or bytes). */
  declared?: number;
  /** As the workload's pod template sets it. */
  cluster?: number;
  /** The drift finding about this value, if the backend reported one. */
  drift?: DriftFinding;
}

export interface ResourceRow {
  container: string;
  cluster: string;
  resource: ResourceKind;
  request: ResourceValue;
  limit: ResourceValue;
  /** Over the pods that have a metrics sample. */
  usage?: { average: number; total: number; pods: number };
  declared: boolean;
  deployed: boolean;
  /** `not-deployed` / `not-declared` findings of the container in the cluster. */
  presenceDrift?: DriftFinding;
}

/** The container's entry in a pod spec: by name, or the only one. */
function pick(
  containers: LiveContainerResources[],
  name: string,
): LiveContainerResources | undefined {
  return (
    containers.find(c => c.name === name) ??
    (containers.length === 1 ? containers[0] : undefined)
  );
}

const DRIFT_KINDS: Record<
  ResourceKind,
  { request: DriftKind; limit: DriftKind }
> = {
  cpu: { request: 'cpu-request', limit: 'cpu-limit' },
  memory: { request: 'memory-request', limit: 'memory-limit' },
};

/**
 * Rows of the resources table: per container, region and resource (CPU, memory),
 * the request and limit as declared and as the cluster runs them, the usage summed
 * and averaged over the pods, and the drift findings that concern each value.
 */
export function resourceRows(options: {
  snapshot: EntitySnapshot;
  /** Declared models by container name. */
  declared: Map<string, DeclaredContainer>;
}): ResourceRow[] {
  const { snapshot, declared } = options;
  const rows: ResourceRow[] = [];
  for (const container of snapshot.containers) {
    const model = declared.get(container.container);
    for (const cluster of snapshot.clusters) {
      const region = container.regions.find(r => r.cluster === cluster.name);
      const workload = region?.workload;
      if (!workload && !model) continue;
      const drift = findDrift(snapshot.drift, {
        container: container.container,
        cluster: cluster.name,
      });
      const template = workload
        ? pick(workload.template, container.container)
        : undefined;
      const samples = (region?.pods ?? [])
        .filter(pod => !pod.terminating)
        .map(pod => pick(pod.containers, container.container)?.usage)
        .filter(usage => !!usage);
      for (const resource of ['cpu', 'memory'] as const) {
        const values = samples
          .map(usage => usage?.[resource])
          .filter((v): v is number => typeof v === 'number');
        const total = values.reduce((sum, v) => sum + v, 0);
        const kinds = DRIFT_KINDS[resource];
        rows.push({
          container: container.container,
          cluster: cluster.name,
          resource,
          request: {
            declared: model?.resources?.[resource].request.value,
            cluster: template?.requests[resource],
            drift: drift.find(f => f.kind === kinds.request),
          },
          limit: {
            declared: model?.resources?.[resource].limit.value,
            cluster: template?.limits[resource],
            drift: drift.find(f => f.kind === kinds.limit),
          },
          usage: values.length
            ? { average: total / values.length, total, pods: values.length }
            : undefined,
          declared: !!model || container.declared,
          deployed: !!workload,
          presenceDrift: drift.find(
            f => f.kind === 'not-deployed' || f.kind === 'not-declared',
          ),
        });
      }
    }
  }
  return rows;
}
