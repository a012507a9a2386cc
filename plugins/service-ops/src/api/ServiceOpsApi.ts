import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  EntitySnapshot,
  ScalingHistory,
} from '@internal/backstage-plugin-service-ops-common';

/** The time windows the backend keeps scaling history for. */
export const HISTORY_WINDOWS = ['1h', '6h', '24h'] as const;

/** One of {@link HISTORY_WINDOWS}. */
export type HistoryWindow = (typeof HISTORY_WINDOWS)[number];

export interface GetSnapshotOptions {
  /** A service or container Component, e.g. `component:default/authoring-service`. */
  entityRef: string;
}

export interface GetHistoryOptions {
  entityRef: string;
  window: HistoryWindow;
  /** Only this container (workload name). */
  container?: string;
  /** Only this cluster (region). */
  cluster?: string;
}

/** The service-ops backend's live state of an entity's workloads. */
export interface ServiceOpsApi {
  /** What runs for the entity in every cluster: workloads, pods, HPAs, drift. */
  getSnapshot(options: GetSnapshotOptions): Promise<EntitySnapshot>;
  /** Replicas and HPA metric values over a window, oldest first. */
  getHistory(options: GetHistoryOptions): Promise<ScalingHistory>;
}

export const serviceOpsApiRef = createApiRef<ServiceOpsApi>().with({
  id: 'plugin.service-ops.service',
  pluginId: 'service-ops',
});
