import {
  Operation,
  OperationParameters,
  OperationKind,
  OperationState,
  OperationStep,
} from '@internal/backstage-plugin-service-ops-common';
import { JsonObject } from '@backstage/types';

/** An operation as the executor holds it: the public record plus its durable memory. */
export interface StoredOperation extends Operation {
  /** What the executor has done so far; written before and after every side effect. */
  progress: JsonObject;
}

/** What a request creates. */
export interface NewOperation {
  kind: OperationKind;
  entityRef: string;
  cluster: string;
  parameters: OperationParameters;
  steps: OperationStep[];
  progress: JsonObject;
  actor: string;
  reason: string;
  incidentUrl?: string;
  idempotencyKey?: string;
  /** sha256 of the request: a repeat with the same key must be the same request. */
  requestHash: string;
  /**
   * When the operation must be approved before it runs: by how many people (other than
   * the requester), and until when (epoch ms). It starts `awaiting-approval`.
   */
  approval?: { required: number; expiresAt: number };
}

/** Changes an executor writes while it holds the lease. */
export interface OperationUpdate {
  state?: OperationState;
  steps?: OperationStep[];
  progress?: JsonObject;
  error?: string;
  /** Until when the operation waits (durable); `null` clears it. */
  runAfter?: number | null;
}

/** An operation claimed by one executor, until `leaseExpiresAt`. */
export interface ClaimedOperation {
  operation: StoredOperation;
  owner: string;
  leaseExpiresAt: number;
}

export interface OperationStore {
  /**
   * Records a new operation, or returns the one an earlier request with the same
   * idempotency key created (`created: false`).
   *
   * @throws ConflictError when the key was used for another request, or an operation of
   * the kind already runs on the target
   */
  create(
    operation: NewOperation,
    now: number,
  ): Promise<{ operation: StoredOperation; created: boolean }>;
  get(id: string): Promise<StoredOperation | undefined>;
  list(options: {
    entityRef?: string;
    limit: number;
    offset: number;
  }): Promise<{ items: StoredOperation[]; totalCount: number }>;
  /** The operation of the kind that is not final on the target, if any. */
  active(options: {
    kind: OperationKind;
    entityRef: string;
    cluster: string;
  }): Promise<StoredOperation | undefined>;
  /**
   * Claims one runnable operation (not final, not waiting, lease free or expired) for
   * `owner`; at most one owner holds an operation at a time, across backends.
   */
  claim(options: {
    owner: string;
    now: number;
    leaseMs: number;
    exclude?: string[];
  }): Promise<ClaimedOperation | undefined>;
  /**
   * Writes changes while the lease holds and extends it; a final state releases it.
   *
   * @throws LeaseLostError when another executor holds the operation now
   */
  update(
    claim: ClaimedOperation,
    changes: OperationUpdate,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedOperation>;
  /** Gives the lease up (the operation waits, or the executor stops). */
  release(claim: ClaimedOperation): Promise<void>;
  /**
   * Adds an approval to an operation awaiting approval; with the last one it needs, the
   * operation becomes `pending` and runnable. Concurrent approvals are all kept.
   *
   * @throws ConflictError when the operation does not await approval (any more), its
   * window has ended, or `by` approved it already
   * @throws NotAllowedError when `by` is the requester
   */
  approve(options: {
    id: string;
    by: string;
    comment?: string;
    now: number;
  }): Promise<StoredOperation | undefined>;
  /**
   * Fails a claimed operation whose approval window ended unapproved; false (and
   * nothing written) when it was approved meanwhile.
   */
  expireApproval(claim: ClaimedOperation, now: number): Promise<boolean>;
  /**
   * Records a cancel request on an operation that is not final: it becomes `cancelling`
   * and runs at once (any wait ends). One still awaiting approval has done nothing and
   * becomes `cancelled` at once.
   */
  requestCancel(options: {
    id: string;
    by: string;
    now: number;
  }): Promise<StoredOperation | undefined>;
}

/** Another executor took the operation over: stop working on it at once. */
export class LeaseLostError extends Error {
  constructor(id: string) {
    super(`the lease on operation ${id} was lost to another executor`);
    this.name = 'LeaseLostError';
  }
}
