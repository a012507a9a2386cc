import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  FINAL_OPERATION_STATES,
  isFinalOperationState,
  OperationApprovalEntry,
  OperationKind,
  OperationState,
} from '@internal/backstage-plugin-service-ops-common';
import { migrate } from '../backlog/migrate';
import {
  ClaimedOperation,
  LeaseLostError,
  NewOperation,
  OperationStore,
  OperationUpdate,
  StoredOperation,
} from './types';

const TABLE = 'operations';

type Numeric = number | string;

interface OperationRow {
  id: string;
  kind: OperationKind;
  entity_ref: string;
  cluster: string;
  parameters: string;
  state: OperationState;
  steps: string;
  progress: string;
  actor: string;
  reason: string;
  incident_url: string | null;
  approvals: string;
  approvals_required: number | null;
  approval_expires_at: Numeric | null;
  idempotency_key: string | null;
  request_hash: string;
  active_key: string | null;
  lease_owner: string | null;
  lease_expires_at: Numeric | null;
  run_after: Numeric | null;
  cancel_requested_by: string | null;
  cancel_requested_at: Numeric | null;
  error: string | null;
  created_at: Numeric;
  updated_at: Numeric;
  started_at: Numeric | null;
  finished_at: Numeric | null;
}

const iso = (value: Numeric | null) =>
  value === null ? undefined : new Date(Number(value)).toISOString();

function activeKey(o: {
  kind: string;
  entityRef: string;
  cluster: string;
}): string {
  return `${o.kind} ${o.entityRef} ${o.cluster}`;
}

function toOperation(row: OperationRow): StoredOperation {
  const optional = <T>(key: string, value: T | undefined) =>
    value === undefined || value === null ? {} : { [key]: value };
  return {
    id: row.id,
    kind: row.kind,
    entityRef: row.entity_ref,
    cluster: row.cluster,
    parameters: JSON.parse(row.parameters),
    state: row.state,
    steps: JSON.parse(row.steps),
    progress: JSON.parse(row.progress),
    actor: row.actor,
    reason: row.reason,
    ...optional('incidentUrl', row.incident_url),
    ...(row.approvals_required !== null
      ? {
          approval: {
            required: Number(row.approvals_required),
            expiresAt: iso(row.approval_expires_at)!,
            approvals: JSON.parse(row.approvals),
          },
        }
      : {}),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    ...optional('startedAt', iso(row.started_at)),
    ...optional('finishedAt', iso(row.finished_at)),
    ...optional('error', row.error),
    ...optional('cancelRequestedBy', row.cancel_requested_by),
    ...optional('cancelRequestedAt', iso(row.cancel_requested_at)),
    ...(row.run_after !== null &&
    !isFinalOperationState(row.state) &&
    row.state !== 'awaiting-approval'
      ? { waitingUntil: iso(row.run_after) }
      : {}),
  };
}

/**
 * Operations in the plugin's database (SQLite or PostgreSQL). A lease is taken with a
 * conditional update (only when free or expired), and every write of an executor is
 * conditional on still holding it, so two backends on one database never run an
 * operation at the same time. A unique key over kind, entity and cluster, cleared when an
 * operation ends, allows one running operation per target; a unique key over actor and
 * idempotency key makes a repeated request one operation.
 */
export class DatabaseOperationStore implements OperationStore {
  static async create(
    database: DatabaseService,
  ): Promise<DatabaseOperationStore> {
    return new DatabaseOperationStore(await migrate(database));
  }

  private constructor(private readonly knex: Knex) {}

  async create(
    operation: NewOperation,
    now: number,
  ): Promise<{ operation: StoredOperation; created: boolean }> {
    const repeat = await this.byIdempotencyKey(operation);
    if (repeat) return { operation: repeat, created: false };
    const running = await this.active(operation);
    if (running) throw this.alreadyRunning(running);
    const id = randomUUID();
    try {
      await this.knex(TABLE).insert({
        id,
        kind: operation.kind,
        entity_ref: operation.entityRef,
        cluster: operation.cluster,
        parameters: JSON.stringify(operation.parameters),
        state: operation.approval ? 'awaiting-approval' : 'pending',
        steps: JSON.stringify(operation.steps),
        progress: JSON.stringify(operation.progress),
        actor: operation.actor,
        reason: operation.reason,
        incident_url: operation.incidentUrl ?? null,
        approvals: '[]',
        approvals_required: operation.approval?.required ?? null,
        approval_expires_at: operation.approval?.expiresAt ?? null,
        // Awaiting approval, it is claimed only when its window ends (to fail it).
        run_after: operation.approval?.expiresAt ?? null,
        idempotency_key: operation.idempotencyKey ?? null,
        request_hash: operation.requestHash,
        active_key: activeKey(operation),
        created_at: now,
        updated_at: now,
      });
    } catch (error) {
      // Lost a race with a request like this one: answer as if it had come second.
      const raced = await this.byIdempotencyKey(operation);
      if (raced) return { operation: raced, created: false };
      const other = await this.active(operation);
      if (other) throw this.alreadyRunning(other);
      throw error;
    }
    return { operation: (await this.get(id))!, created: true };
  }

  private alreadyRunning(running: StoredOperation): ConflictError {
    return new ConflictError(
      `operation ${running.id} (${running.kind} of ${running.entityRef} in ${running.cluster}, asked by ${running.actor}) is ${running.state}; wait for it to end or cancel it`,
    );
  }

  private async byIdempotencyKey(
    operation: NewOperation,
  ): Promise<StoredOperation | undefined> {
    if (!operation.idempotencyKey) return undefined;
    const row: OperationRow | undefined = await this.knex(TABLE)
      .where({
        actor: operation.actor,
        idempotency_key: operation.idempotencyKey,
      })
      .first();
    if (!row) return undefined;
    if (row.request_hash !== operation.requestHash)
      throw new ConflictError(
        `Idempotency-Key '${operation.idempotencyKey}' was used for another request (operation ${row.id}); use a new key for a new request`,
      );
    return toOperation(row);
  }

  async get(id: string): Promise<StoredOperation | undefined> {
    const row: OperationRow | undefined = await this.knex(TABLE)
      .where({ id })
      .first();
    return row ? toOperation(row) : undefined;
  }

  async list(options: {
    entityRef?: string;
    limit: number;
    offset: number;
  }): Promise<{ items: StoredOperation[]; totalCount: number }> {
    const filtered = () => {
      const query = this.knex(TABLE);
      if (options.entityRef) query.where('entity_ref', options.entityRef);
      return query;
    };
    const [{ count }] = await filtered().count({ count: '*' });
    const rows: OperationRow[] = await filtered()
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(options.limit)
      .offset(options.offset);
    return { items: rows.map(toOperation), totalCount: Number(count) };
  }

  async active(options: {
    kind: OperationKind;
    entityRef: string;
    cluster: string;
  }): Promise<StoredOperation | undefined> {
    const row: OperationRow | undefined = await this.knex(TABLE)
      .where({ active_key: activeKey(options) })
      .first();
    return row ? toOperation(row) : undefined;
  }

  async claim(options: {
    owner: string;
    now: number;
    leaseMs: number;
    exclude?: string[];
  }): Promise<ClaimedOperation | undefined> {
    const { owner, now, leaseMs } = options;
    const runnable = () =>
      this.knex(TABLE)
        .whereNotIn('state', FINAL_OPERATION_STATES)
        .andWhere(q => q.whereNull('run_after').orWhere('run_after', '<=', now))
        .andWhere(q =>
          q.whereNull('lease_owner').orWhere('lease_expires_at', '<', now),
        );
    const candidates: Array<{ id: string }> = await runnable()
      .modify(q => {
        if (options.exclude?.length) q.whereNotIn('id', options.exclude);
      })
      .orderBy('created_at')
      .limit(5)
      .select('id');
    for (const { id } of candidates) {
      const leaseExpiresAt = now + leaseMs;
      // Conditional: of two executors, only one sees the lease free.
      const taken = await runnable()
        .where({ id })
        .update({ lease_owner: owner, lease_expires_at: leaseExpiresAt });
      if (taken === 1) {
        const operation = (await this.get(id))!;
        return { operation, owner, leaseExpiresAt };
      }
    }
    return undefined;
  }

  async update(
    claim: ClaimedOperation,
    changes: OperationUpdate,
    now: number,
    leaseMs: number,
  ): Promise<ClaimedOperation> {
    const { operation } = claim;
    // The state is written only when the executor changes it: a cancel request may have
    // turned a running operation into a cancelling one meanwhile.
    const state = changes.state;
    const final = state !== undefined && isFinalOperationState(state);
    const leaseExpiresAt = now + leaseMs;
    const row: Partial<OperationRow> = {
      ...(state ? { state } : {}),
      updated_at: now,
      lease_expires_at: final ? null : leaseExpiresAt,
      ...(final
        ? { lease_owner: null, active_key: null, finished_at: now }
        : {}),
      ...(!operation.startedAt ? { started_at: now } : {}),
      ...(changes.steps ? { steps: JSON.stringify(changes.steps) } : {}),
      ...(changes.progress
        ? { progress: JSON.stringify(changes.progress) }
        : {}),
      ...(changes.error !== undefined ? { error: changes.error } : {}),
      ...(changes.runAfter !== undefined
        ? { run_after: changes.runAfter }
        : {}),
    };
    const written = await this.knex(TABLE)
      .where({ id: operation.id, lease_owner: claim.owner })
      .andWhere('lease_expires_at', '>=', now)
      .update(row);
    if (written !== 1) throw new LeaseLostError(operation.id);
    const fresh = await this.get(operation.id);
    return {
      operation: fresh!,
      owner: claim.owner,
      leaseExpiresAt,
    };
  }

  async release(claim: ClaimedOperation): Promise<void> {
    await this.knex(TABLE)
      .where({ id: claim.operation.id, lease_owner: claim.owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  async approve(options: {
    id: string;
    by: string;
    comment?: string;
    now: number;
  }): Promise<StoredOperation | undefined> {
    const { id, by, now } = options;
    // Compare-and-set on the approvals as read: two approvers at once both count.
    for (let attempt = 0; attempt < 10; attempt++) {
      const row: OperationRow | undefined = await this.knex(TABLE)
        .where({ id })
        .first();
      if (!row) return undefined;
      if (row.state !== 'awaiting-approval' || row.approvals_required === null)
        throw new ConflictError(
          `operation ${id} is ${row.state}; only an operation awaiting approval can be approved`,
        );
      if (row.actor === by)
        throw new NotAllowedError(
          `${by} asked for operation ${id} and cannot approve it; another person must`,
        );
      const expiresAt = Number(row.approval_expires_at);
      if (expiresAt <= now)
        throw new ConflictError(
          `the approval window of operation ${id} ended at ${iso(
            expiresAt,
          )}; ask for the operation again`,
        );
      const approvals: OperationApprovalEntry[] = JSON.parse(row.approvals);
      if (approvals.some(a => a.by === by))
        throw new ConflictError(`${by} approved operation ${id} already`);
      const next = [
        ...approvals,
        {
          by,
          at: new Date(now).toISOString(),
          ...(options.comment ? { comment: options.comment } : {}),
        },
      ];
      const approved = next.length >= Number(row.approvals_required);
      const written = await this.knex(TABLE)
        .where({ id, state: 'awaiting-approval', approvals: row.approvals })
        .update({
          approvals: JSON.stringify(next),
          updated_at: now,
          ...(approved ? { state: 'pending', run_after: null } : {}),
        });
      if (written === 1) return this.get(id);
    }
    throw new ConflictError(
      `operation ${id} changed while it was being approved; try again`,
    );
  }

  async expireApproval(claim: ClaimedOperation, now: number): Promise<boolean> {
    const { operation } = claim;
    const approval = operation.approval;
    const written = await this.knex(TABLE)
      .where({
        id: operation.id,
        state: 'awaiting-approval',
        lease_owner: claim.owner,
      })
      .andWhere('approval_expires_at', '<=', now)
      .update({
        state: 'failed',
        error: `not approved by ${approval?.expiresAt}: it needed ${
          approval?.required
        } approval(s) and got ${approval?.approvals.length ?? 0}`,
        updated_at: now,
        finished_at: now,
        lease_owner: null,
        lease_expires_at: null,
        active_key: null,
        run_after: null,
      });
    return written === 1;
  }

  async requestCancel(options: {
    id: string;
    by: string;
    now: number;
  }): Promise<StoredOperation | undefined> {
    // Nothing was done while it awaited approval: it ends at once.
    await this.knex(TABLE)
      .where({ id: options.id, state: 'awaiting-approval' })
      .update({
        state: 'cancelled',
        cancel_requested_by: options.by,
        cancel_requested_at: options.now,
        run_after: null,
        updated_at: options.now,
        finished_at: options.now,
        lease_owner: null,
        lease_expires_at: null,
        active_key: null,
      });
    await this.knex(TABLE)
      .where({ id: options.id })
      .whereNotIn('state', FINAL_OPERATION_STATES)
      .whereNull('cancel_requested_by')
      .update({
        state: 'cancelling',
        cancel_requested_by: options.by,
        cancel_requested_at: options.now,
        run_after: null,
        updated_at: options.now,
      });
    return this.get(options.id);
  }
}
