import type { KeyRotationParameters } from '../keys/types';
import type { RolloutParameters } from './rolloutTypes';

/** The kinds of operator action the operations engine runs. */
export const OPERATION_KINDS = [
  'collab-drain',
  'rollout-promote',
  'rollout-promote-full',
  'rollout-abort',
  'rollout-retry',
  'key-rotation',
] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

/**
 * - `awaiting-approval`: accepted, waiting for the approvals it needs (see
 *   `Operation.approval`); nothing is done before they are given, and it fails when they
 *   are not given in time;
 * - `pending`: accepted, not started by an executor yet;
 * - `running`: an executor works on it (or will again, after a durable wait);
 * - `cancelling`: cancel was asked; the executor undoes what is safe to undo;
 * - `succeeded`, `failed`, `cancelled`: final.
 */
export const OPERATION_STATES = [
  'awaiting-approval',
  'pending',
  'running',
  'cancelling',
  'succeeded',
  'failed',
  'cancelled',
] as const;
export type OperationState = (typeof OPERATION_STATES)[number];

export const FINAL_OPERATION_STATES: readonly OperationState[] = [
  'succeeded',
  'failed',
  'cancelled',
];

export function isFinalOperationState(state: OperationState): boolean {
  return FINAL_OPERATION_STATES.includes(state);
}

export type OperationStepStatus =
  | 'pending'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped';

/** One step of an operation, as the page shows it. */
export interface OperationStep {
  /** Stable id of the step, e.g. `notify`, `evict:authoring-collab-7d9f-abc12`. */
  id: string;
  title: string;
  status: OperationStepStatus;
  startedAt?: string;
  finishedAt?: string;
  /** What the step is doing or did, in words ("3 sessions left on 2 pods"). */
  detail?: string;
  /** For a step that waits for a moment (the drain's notice): that moment (ISO time). */
  until?: string;
  /**
   * A figure the step follows over time, e.g. the sessions left on the notified pods
   * during the notice (at most 120 points, the oldest dropped).
   */
  series?: { label: string; points: Array<{ at: string; value: number }> };
}

/** Parameters of a collab drain. */
export interface CollabDrainParameters {
  /** The cluster (region) whose pods are drained. */
  cluster: string;
  /** The pods to drain; every pod of the container in the cluster when absent. */
  pods?: string[];
  /** Seconds between the notice and the first eviction; the configured default when absent. */
  noticeSeconds?: number;
}

/** The parameters of an operation, by its kind. */
export type OperationParameters =
  | CollabDrainParameters
  | RolloutParameters
  | KeyRotationParameters;

/** One person's approval of an operation. */
export interface OperationApprovalEntry {
  /** The approver (user entity ref); never the requester. */
  by: string;
  at: string;
  comment?: string;
}

/**
 * The approvals an operation needs before it runs: `required` distinct people other than
 * the requester, each holding the kind's permission on the target, before `expiresAt`.
 */
export interface OperationApproval {
  required: number;
  expiresAt: string;
  approvals: OperationApprovalEntry[];
}

/** One recorded operation. */
export interface Operation {
  id: string;
  kind: OperationKind;
  /** The catalog entity acted on (the container's Component). */
  entityRef: string;
  cluster: string;
  parameters: OperationParameters;
  state: OperationState;
  steps: OperationStep[];
  /** Who asked (user entity ref). */
  actor: string;
  reason: string;
  incidentUrl?: string;
  /** Present when the operation needed approval: who approved, and how many it needs. */
  approval?: OperationApproval;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Why it failed, in words. */
  error?: string;
  /** Who asked to cancel it, and when. */
  cancelRequestedBy?: string;
  cancelRequestedAt?: string;
  /** While an executor waits durably (the drain notice): until when. */
  waitingUntil?: string;
}

export interface OperationList {
  items: Operation[];
  totalCount: number;
}

/** One pod in a drain's preview, in the order it will be evicted. */
export interface CollabDrainPreviewPod {
  name: string;
  ready: boolean;
  /** Connected sessions from the pod's metric, when it can be read. */
  sessions?: number;
}

/** What a collab drain would do now, computed from the live state. */
export interface CollabDrainPreview {
  kind: 'collab-drain';
  entityRef: string;
  cluster: string;
  namespace: string;
  workload: string;
  pods: CollabDrainPreviewPod[];
  noticeSeconds: number;
  /** Estimated seconds from the request until the last replacement is Ready. */
  estimatedSeconds: number;
  /** The PodDisruptionBudget covering the pods, if any, and what it allows now. */
  disruptionBudget?: { name: string; disruptionsAllowed: number };
  /** Dry-run eviction of the first pod (`dryRun=All`): allowed, or why not. */
  dryRun: { allowed: boolean; message?: string };
  /** Things the operator should know before confirming. */
  warnings: string[];
  /** An operation of this kind already running on this target, if any. */
  runningOperationId?: string;
}

/** The signal channel on which an entity's operations announce their changes. */
export function operationsChannel(entityRef: string): string {
  return `service-ops:operations:${entityRef}`;
}

/** What an operations signal carries: which operation changed; the page refetches it. */
export interface OperationSignal {
  id: string;
  entityRef: string;
  state: OperationState;
  updatedAt: string;
}
