import { LiveStateService } from '../kubernetes/KubernetesLiveState';
import { ScalingHistoryStore, ScalingRow } from './ScalingHistoryStore';

/**
 * Samples every workload's replicas and its autoscaler's metrics from the live-state cache
 * (no request reaches a cluster) into the history store, and applies the retention.
 */
export class ScalingSampler {
  constructor(
    private readonly liveState: LiveStateService,
    private readonly store: ScalingHistoryStore,
    private readonly retentionMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** One sampling round; returns the number of rows written. */
  async sample(): Promise<number> {
    const at = this.now();
    const rows: ScalingRow[] = [];
    for (const { cluster, container } of this.liveState.allContainers()) {
      const region = container.regions.find(r => r.cluster === cluster);
      const workload = region?.workload;
      if (!region || !workload) continue;
      const metrics: Record<string, number> = {};
      for (const metric of region.hpa?.metrics ?? []) {
        if (metric.current !== undefined) metrics[metric.name] = metric.current;
      }
      rows.push({
        at,
        cluster,
        namespace: workload.namespace,
        container: container.container,
        desired: workload.desired,
        ready: workload.ready,
        ...(region.hpa ? { min: region.hpa.min, max: region.hpa.max } : {}),
        metrics,
      });
    }
    await this.store.insert(rows);
    await this.store.prune(at - this.retentionMs);
    return rows.length;
  }
}
