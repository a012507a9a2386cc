import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  BacklogHistory,
  CollabDrainPreview,
  EntityBacklog,
  EntityRollout,
  RolloutAction,
  RolloutExpectation,
  RolloutPreview,
  EntitySnapshot,
  Operation,
  OperationList,
  PoisonList,
  SagaCounts,
  SagaInstanceResponse,
  SagaList,
  SagaState,
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

/** The time windows the backend keeps backlog samples for. */
export const BACKLOG_WINDOWS = ['1h', '24h'] as const;

/** One of {@link BACKLOG_WINDOWS}. */
export type BacklogWindow = (typeof BACKLOG_WINDOWS)[number];

export interface GetBacklogOptions {
  /** A service or container Component with configured streams. */
  entityRef: string;
}

export interface GetBacklogHistoryOptions {
  entityRef: string;
  window: BacklogWindow;
}

export interface GetPoisonOptions {
  entityRef: string;
  /** 1 to 500; the backend's default (100) when absent. */
  limit?: number;
}

export interface GetSagasOptions {
  state?: SagaState;
  /** The saga's home region. */
  region?: string;
  /** Only sagas started at least this many seconds ago. */
  minAgeSeconds?: number;
  /** 1 to 500; the backend's default (50) when absent. */
  limit?: number;
  offset?: number;
}

export interface GetSagaOptions {
  /** The saga's id (its `publishId`). */
  id: string;
}

/** What a collab drain acts on: the container entity, one region, optionally some pods. */
export interface CollabDrainTarget {
  /** The collab container's Component, e.g. `component:default/authoring-collab`. */
  entityRef: string;
  /** The cluster (region) whose pods are drained. */
  cluster: string;
  /** Only these pods; every pod of the container in the cluster when absent. */
  pods?: string[];
  /** Seconds between the notice and the first eviction; the backend's default when absent. */
  noticeSeconds?: number;
}

export interface StartCollabDrainOptions extends CollabDrainTarget {
  /** Why the pods are drained (at least 10 characters); kept with the operation. */
  reason: string;
  /** The target's name as the operator typed it; must equal the entity's name. */
  confirm: string;
  incidentUrl?: string;
  /**
   * Sent as the `Idempotency-Key` header: a fresh key per submit, the same key when the
   * same submit is retried, so a retry after a lost answer does not start a second drain.
   */
  idempotencyKey: string;
}

/** What a rollout action acts on: the container entity and its regions in order. */
export interface RolloutTarget {
  /** A container Component whose workload is an Argo Rollout, e.g. `component:default/content-api`. */
  entityRef: string;
  action: RolloutAction;
  /** The regions in order (a wave when more than one). */
  clusters: string[];
}

export interface StartRolloutOptions extends RolloutTarget {
  /** What the operator saw of each region (the preview's `view.expected`). */
  expected: Record<string, RolloutExpectation>;
  /** Why (at least 10 characters); kept with the operation. */
  reason: string;
  /** The target's name as typed; not asked for an abort. */
  confirm?: string;
  incidentUrl?: string;
  /** Sent as the `Idempotency-Key` header (see {@link StartCollabDrainOptions}). */
  idempotencyKey: string;
}

export interface GetOperationsOptions {
  entityRef: string;
  /** 1 to 200; the backend's default (50) when absent. */
  limit?: number;
  offset?: number;
}

export interface OperationIdOptions {
  /** The operation's id (a UUID). */
  id: string;
}

export interface ApproveOperationOptions extends OperationIdOptions {
  /** Why the approver agrees, kept with the approval (at most 2000 characters). */
  comment?: string;
}

/** The service-ops backend's live state of an entity's workloads. */
export interface ServiceOpsApi {
  /** What runs for the entity in every cluster: workloads, pods, HPAs, drift. */
  getSnapshot(options: GetSnapshotOptions): Promise<EntitySnapshot>;
  /** Replicas and HPA metric values over a window, oldest first. */
  getHistory(options: GetHistoryOptions): Promise<ScalingHistory>;
  /** The entity's JetStream streams and consumers now, against their thresholds. */
  getBacklog(options: GetBacklogOptions): Promise<EntityBacklog>;
  /** Sampled stream and consumer figures over a window, oldest first. */
  getBacklogHistory(options: GetBacklogHistoryOptions): Promise<BacklogHistory>;
  /** Messages the entity's consumers gave up on, newest first. */
  getPoison(options: GetPoisonOptions): Promise<PoisonList>;
  /** Publish-saga instances, newest first. */
  getSagas(options: GetSagasOptions): Promise<SagaList>;
  /** How many publish sagas are in each state. */
  getSagaCounts(): Promise<SagaCounts>;
  /** One publish saga and its steps. */
  getSaga(options: GetSagaOptions): Promise<SagaInstanceResponse>;
  /** What a collab drain would do now: pods in order, budget, dry run, warnings. */
  previewCollabDrain(options: CollabDrainTarget): Promise<CollabDrainPreview>;
  /** Starts a collab drain, or answers the earlier one started with the same key. */
  startCollabDrain(options: StartCollabDrainOptions): Promise<Operation>;
  /** A container's Argo rollout in every region: steps, pods, analysis, actions. */
  getRollout(options: { entityRef: string }): Promise<EntityRollout>;
  /** What a rollout action would do now, per region, and what it needs. */
  previewRollout(options: RolloutTarget): Promise<RolloutPreview>;
  /** Starts a rollout action; 409 when a region moved since `expected` was read. */
  startRollout(options: StartRolloutOptions): Promise<Operation>;
  /** The entity's operations, newest first. */
  getOperations(options: GetOperationsOptions): Promise<OperationList>;
  /** One operation with its steps. */
  getOperation(options: OperationIdOptions): Promise<Operation>;
  /** Asks a running operation to stop; answers it as `cancelling` (or already final). */
  cancelOperation(options: OperationIdOptions): Promise<Operation>;
  /**
   * Approves an operation awaiting approval (not the requester's own); answers it,
   * `pending` once it has every approval it needs.
   */
  approveOperation(options: ApproveOperationOptions): Promise<Operation>;
}

export const serviceOpsApiRef = createApiRef<ServiceOpsApi>().with({
  id: 'plugin.service-ops.service',
  pluginId: 'service-ops',
});
