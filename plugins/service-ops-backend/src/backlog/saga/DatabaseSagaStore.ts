import { Knex } from 'knex';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  classifySaga,
  foldSagaSteps,
  MalformedSagaEvent,
  SagaDeadlines,
  SagaInstance,
  SagaInstanceDetail,
  SagaState,
  SagaStepName,
  SagaStepRecord,
  SAGA_STEPS,
  StoredSagaState,
} from '@internal/backstage-plugin-service-ops-common';
import { migrate } from '../migrate';
import { decodeSagaEvent, SagaEvent } from './decodeSagaEvent';
import {
  SagaApplyOutcome,
  SagaDelivery,
  SagaProjectionStore,
  StreamIdentity,
} from './types';

const INSTANCES = 'saga_instances';
const STEPS = 'saga_steps';
const PROCESSED = 'saga_processed';
const MALFORMED = 'saga_malformed';
const STREAMS = 'saga_streams';

type Numeric = number | string;

interface InstanceRow {
  id: string;
  state: StoredSagaState;
  current_step: SagaStepName;
  expected_step: SagaStepName | null;
  started_at: Numeric;
  updated_at: Numeric;
  region: string | null;
  tenant_id: string | null;
  course_id: string | null;
  course_version: string | null;
  draft_id: string | null;
  play_package_id: string | null;
  failure_reason: string | null;
}

interface StepRow {
  instance_id: string;
  step: SagaStepName;
  subject: string;
  stream: string;
  seq: Numeric;
  event_id: string | null;
  occurred_at: Numeric;
  region: string | null;
  tenant_id: string | null;
  course_id: string | null;
  course_version: string | null;
  draft_id: string | null;
  play_package_id: string | null;
  reason: string | null;
}

interface MalformedRow {
  stream: string;
  seq: Numeric;
  subject: string;
  reason: string;
  excerpt: string;
  received_at: Numeric;
}

/** Filters of the saga list; `state` as the API names it (incl. the derived `stuck`). */
export interface SagaFilter {
  state?: SagaState;
  region?: string;
  /** Only sagas started at least this long ago. */
  minAgeSeconds?: number;
  limit: number;
  offset: number;
}

/** The time and the deadlines that decide which sagas are stuck. */
export interface SagaClock {
  now: number;
  deadlines: SagaDeadlines;
}

const FIELDS = [
  'region',
  'tenant_id',
  'course_id',
  'course_version',
  'draft_id',
  'play_package_id',
] as const;

function excerpt(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** The columns of an instance as `fold` writes it. */
const FOLDED_COLUMNS = [
  'id',
  'state',
  'current_step',
  'expected_step',
  'started_at',
  'updated_at',
  ...FIELDS,
  'failure_reason',
] as const;

/**
 * Rows per statement: within SQLite's limits (32,766 bound variables, and knex writes a
 * multi-row insert as 500 compound SELECTs at most), well within PostgreSQL's 65,535.
 */
function rowsPerStatement(columns: number): number {
  return Math.min(500, Math.floor(32_766 / columns));
}

function chunks<T>(items: T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    result.push(items.slice(i, i + size));
  return result;
}

const messageKey = (stream: string, seq: number) => `${stream}\n${seq}`;
const stepKey = (instanceId: string, step: string) => `${step}\n${instanceId}`;

/** Orders strings by their code points, as PostgreSQL's "C" collation orders UTF-8. */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function toStepRow(event: SagaEvent, delivery: SagaDelivery): StepRow {
  return {
    instance_id: event.instanceId,
    step: event.step,
    subject: event.subject,
    stream: delivery.stream,
    seq: delivery.seq,
    event_id: event.eventId ?? null,
    occurred_at: event.occurredAt,
    region: event.region ?? null,
    tenant_id: event.tenantId ?? null,
    course_id: event.courseId,
    course_version: event.courseVersion ?? null,
    draft_id: event.draftId ?? null,
    play_package_id: event.playPackageId ?? null,
    reason: event.reason ?? null,
  };
}

function stepRank(step: SagaStepName): number {
  return SAGA_STEPS.indexOf(step);
}

/**
 * The publish-saga projection in the plugin's database (SQLite or PostgreSQL): instances,
 * their steps, the stream sequences projected, malformed events. Stuck is derived when
 * asked, from the deadlines, never stored.
 */
export class DatabaseSagaStore implements SagaProjectionStore {
  static async create(database: DatabaseService): Promise<DatabaseSagaStore> {
    return new DatabaseSagaStore(await migrate(database));
  }

  private constructor(private readonly knex: Knex) {}

  /**
   * Applies a batch set-based, in one transaction: a handful of statements per batch
   * (chunked), whatever its size, with the outcomes one delivery at a time would have had.
   */
  async apply(deliveries: SagaDelivery[]): Promise<SagaApplyOutcome[]> {
    if (deliveries.length === 0) return [];
    return this.knex.transaction(tx => this.applyBatch(tx, deliveries));
  }

  private async applyBatch(
    tx: Knex.Transaction,
    deliveries: SagaDelivery[],
  ): Promise<SagaApplyOutcome[]> {
    // A (stream, seq) seen earlier in the batch, or projected before, is a redelivery.
    const outcomes: SagaApplyOutcome[] = deliveries.map(
      () => 'already-processed',
    );
    const firsts = new Map<string, number>();
    deliveries.forEach((d, index) => {
      const key = messageKey(d.stream, d.seq);
      if (!firsts.has(key)) firsts.set(key, index);
    });
    const claimed = await this.claim(
      tx,
      [...firsts.values()].map(index => deliveries[index]),
    );

    const events: Array<{ index: number; event: SagaEvent }> = [];
    const malformed: MalformedRow[] = [];
    for (const index of firsts.values()) {
      const delivery = deliveries[index];
      if (!claimed.has(messageKey(delivery.stream, delivery.seq))) continue;
      const decoded = decodeSagaEvent(delivery);
      if (decoded.kind === 'event') {
        events.push({ index, event: decoded.event });
        continue;
      }
      outcomes[index] = 'malformed';
      malformed.push({
        stream: delivery.stream,
        seq: delivery.seq,
        subject: delivery.subject,
        reason: decoded.reason,
        excerpt: excerpt(delivery.data),
        received_at: delivery.receivedAt,
      });
    }
    for (const rows of chunks(malformed, rowsPerStatement(6)))
      await tx(MALFORMED).insert(rows).onConflict(['stream', 'seq']).ignore();
    if (events.length === 0) return outcomes;

    // The first delivery of a step of a saga wins; a later one in the batch is a duplicate.
    const candidates: Array<{ index: number; event: SagaEvent }> = [];
    const seenSteps = new Set<string>();
    for (const candidate of events) {
      const key = stepKey(candidate.event.instanceId, candidate.event.step);
      if (seenSteps.has(key)) outcomes[candidate.index] = 'duplicate-step';
      else {
        seenSteps.add(key);
        candidates.push(candidate);
      }
    }

    const ids = await this.lockInstances(
      tx,
      candidates.map(c => c.event),
    );
    const added = new Set<string>();
    const stepRows = candidates.map(({ index, event }) =>
      toStepRow(event, deliveries[index]),
    );
    for (const rows of chunks(stepRows, rowsPerStatement(14))) {
      const inserted: Array<Pick<StepRow, 'instance_id' | 'step'>> = await tx(
        STEPS,
      )
        .insert(rows)
        .onConflict(['instance_id', 'step'])
        .ignore()
        .returning(['instance_id', 'step']);
      for (const row of inserted) added.add(stepKey(row.instance_id, row.step));
    }
    const changed = new Set<string>();
    for (const { index, event } of candidates) {
      const isNew = added.has(stepKey(event.instanceId, event.step));
      outcomes[index] = isNew ? 'projected' : 'duplicate-step';
      if (isNew) changed.add(event.instanceId);
    }
    await this.refold(
      tx,
      ids.filter(id => changed.has(id)),
    );
    return outcomes;
  }

  /** Claims the messages' (stream, seq); returns the keys this transaction claimed. */
  private async claim(
    tx: Knex.Transaction,
    messages: SagaDelivery[],
  ): Promise<Set<string>> {
    const rows = messages
      .map(m => ({ stream: m.stream, seq: m.seq }))
      .sort((a, b) => byCodePoint(a.stream, b.stream) || a.seq - b.seq);
    const claimed = new Set<string>();
    for (const chunk of chunks(rows, rowsPerStatement(2))) {
      const inserted: Array<{ stream: string; seq: Numeric }> = await tx(
        PROCESSED,
      )
        .insert(chunk)
        .onConflict(['stream', 'seq'])
        .ignore()
        .returning(['stream', 'seq']);
      for (const row of inserted)
        claimed.add(messageKey(row.stream, Number(row.seq)));
    }
    return claimed;
  }

  /**
   * Inserts the sagas not known yet and, on PostgreSQL, locks them all, in the order of
   * their ids (several backends may project at once: one order, no deadlock). Returns
   * the ids in that order.
   */
  private async lockInstances(
    tx: Knex.Transaction,
    events: SagaEvent[],
  ): Promise<string[]> {
    const firstOf = new Map<string, SagaEvent>();
    for (const event of events)
      if (!firstOf.has(event.instanceId)) firstOf.set(event.instanceId, event);
    const ids = [...firstOf.keys()].sort(byCodePoint);
    const placeholders = ids.map(id => {
      const event = firstOf.get(id)!;
      return {
        id,
        state: 'running',
        current_step: event.step,
        started_at: event.occurredAt,
        updated_at: event.occurredAt,
      };
    });
    for (const rows of chunks(placeholders, rowsPerStatement(5)))
      await tx(INSTANCES).insert(rows).onConflict('id').ignore();
    // Serialises projections of one saga by several backends (SQLite has one writer).
    if (this.knex.client.config.client === 'pg')
      for (const chunk of chunks(ids, rowsPerStatement(1)))
        await tx(INSTANCES)
          .select('id')
          .whereIn('id', chunk)
          .orderByRaw('id collate "C"')
          .forUpdate();
    return ids;
  }

  /** Folds the sagas from all their steps and writes them back. */
  private async refold(tx: Knex.Transaction, ids: string[]): Promise<void> {
    const stepsOf = new Map<string, StepRow[]>(ids.map(id => [id, []]));
    for (const chunk of chunks(ids, rowsPerStatement(1))) {
      const steps: StepRow[] = await tx(STEPS).whereIn('instance_id', chunk);
      for (const step of steps) stepsOf.get(step.instance_id)?.push(step);
    }
    const folded = ids.map(id => ({ id, ...this.fold(stepsOf.get(id)!) }));
    for (const rows of chunks(folded, rowsPerStatement(FOLDED_COLUMNS.length)))
      await tx(INSTANCES)
        .insert(rows)
        .onConflict('id')
        .merge(FOLDED_COLUMNS.filter(column => column !== 'id'));
  }

  /** The instance's columns from all its steps, whatever order they came in. */
  private fold(steps: StepRow[]) {
    const ordered = [...steps].sort(
      (a, b) => stepRank(a.step) - stepRank(b.step),
    );
    const folded = foldSagaSteps(
      ordered.map(s => ({ step: s.step, at: Number(s.occurred_at) })),
    );
    const first = (field: (typeof FIELDS)[number]) =>
      ordered.find(s => s[field] !== null)?.[field] ?? null;
    return {
      state: folded.state,
      current_step: folded.currentStep,
      expected_step: folded.expectedStep ?? null,
      started_at: folded.startedAt,
      updated_at: folded.updatedAt,
      ...Object.fromEntries(FIELDS.map(field => [field, first(field)])),
      failure_reason:
        ordered.find(s => s.step === 'build-failed')?.reason ?? null,
    };
  }

  /** A query condition: the running or failed sagas whose expected step is overdue. */
  private stuck(clock: SagaClock) {
    const { now, deadlines } = clock;
    const overdue: Array<[SagaStepName, number]> = [
      ['built', deadlines.built],
      ['course-version-published', deadlines.courseVersionPublished],
      ['compensated', deadlines.compensated],
    ];
    return (query: Knex.QueryBuilder) =>
      query.whereIn('state', ['running', 'failed']).andWhere(any => {
        for (const [step, seconds] of overdue)
          any.orWhere(one =>
            one
              .where('expected_step', step)
              .andWhere('updated_at', '<', now - seconds * 1000),
          );
      });
  }

  private filtered(
    filter: Omit<SagaFilter, 'limit' | 'offset'>,
    clock: SagaClock,
  ) {
    const query = this.knex(INSTANCES);
    const stuck = this.stuck(clock);
    if (filter.state === 'stuck') query.where(stuck);
    else if (filter.state === 'running' || filter.state === 'failed')
      query.where('state', filter.state).whereNot(stuck);
    else if (filter.state) query.where('state', filter.state);
    if (filter.region) query.where('region', filter.region);
    if (filter.minAgeSeconds !== undefined)
      query.where('started_at', '<=', clock.now - filter.minAgeSeconds * 1000);
    return query;
  }

  /** The sagas that match, newest first. */
  async list(
    filter: SagaFilter,
    clock: SagaClock,
  ): Promise<{ items: SagaInstance[]; totalCount: number }> {
    const [{ count }] = await this.filtered(filter, clock).count({
      count: '*',
    });
    const rows: InstanceRow[] = await this.filtered(filter, clock)
      .orderBy([
        { column: 'started_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit)
      .offset(filter.offset);
    return {
      items: rows.map(row => this.toInstance(row, clock)),
      totalCount: Number(count),
    };
  }

  /** How many sagas are in each state now, and how many malformed events came. */
  async counts(clock: SagaClock): Promise<{
    counts: Record<SagaState, number>;
    total: number;
    malformed: number;
  }> {
    const byState: Array<{ state: StoredSagaState; count: Numeric }> =
      await this.knex(INSTANCES)
        .select('state')
        .count({ count: '*' })
        .groupBy('state');
    const stuckByState: Array<{ state: StoredSagaState; count: Numeric }> =
      await this.knex(INSTANCES)
        .where(this.stuck(clock))
        .select('state')
        .count({ count: '*' })
        .groupBy('state');
    const counts: Record<SagaState, number> = {
      running: 0,
      stuck: 0,
      completed: 0,
      failed: 0,
      compensated: 0,
    };
    for (const { state, count } of byState) counts[state] += Number(count);
    for (const { state, count } of stuckByState) {
      counts[state] -= Number(count);
      counts.stuck += Number(count);
    }
    const [{ malformed }] = await this.knex(MALFORMED).count({
      malformed: '*',
    });
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return { counts, total, malformed: Number(malformed) };
  }

  /** One saga with its steps in saga order; `undefined` when unknown. */
  async get(
    id: string,
    clock: SagaClock,
  ): Promise<SagaInstanceDetail | undefined> {
    const row: InstanceRow | undefined = await this.knex(INSTANCES)
      .where({ id })
      .first();
    if (!row) return undefined;
    const steps: StepRow[] = await this.knex(STEPS).where({ instance_id: id });
    return {
      ...this.toInstance(row, clock),
      steps: steps
        .sort(
          (a, b) =>
            Number(a.occurred_at) - Number(b.occurred_at) ||
            stepRank(a.step) - stepRank(b.step),
        )
        .map(toStepRecord),
    };
  }

  /** The malformed events, newest first. */
  async listMalformed(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: MalformedSagaEvent[]; totalCount: number }> {
    const [{ count }] = await this.knex(MALFORMED).count({ count: '*' });
    const rows: MalformedRow[] = await this.knex(MALFORMED)
      .orderBy([
        { column: 'received_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit)
      .offset(options.offset);
    return {
      items: rows.map(row => ({
        stream: row.stream,
        seq: Number(row.seq),
        subject: row.subject,
        reason: row.reason,
        excerpt: row.excerpt,
        receivedAt: new Date(Number(row.received_at)).toISOString(),
      })),
      totalCount: Number(count),
    };
  }

  async clear(): Promise<void> {
    await this.knex.transaction(async tx => {
      for (const table of [STEPS, INSTANCES, PROCESSED, MALFORMED, STREAMS])
        await tx(table).delete();
    });
  }

  async checkStream(
    identity: StreamIdentity,
  ): Promise<'same' | 'new' | 'recreated'> {
    return this.knex.transaction(async tx => {
      const known: { created: string } | undefined = await tx(STREAMS)
        .where({ stream: identity.stream })
        .first();
      if (known?.created === identity.created) return 'same';
      if (known) {
        // Its sequences start again: what was processed under the old ones says nothing.
        await tx(PROCESSED).where({ stream: identity.stream }).delete();
        await tx(MALFORMED).where({ stream: identity.stream }).delete();
        await tx(STREAMS)
          .where({ stream: identity.stream })
          .update({ created: identity.created });
        return 'recreated';
      }
      await tx(STREAMS).insert(identity);
      return 'new';
    });
  }

  async pruneProcessed(options: {
    stream: string;
    belowSeq: number;
  }): Promise<number> {
    return this.knex(PROCESSED)
      .where({ stream: options.stream })
      .andWhere('seq', '<', options.belowSeq)
      .delete();
  }

  private toInstance(row: InstanceRow, clock: SagaClock): SagaInstance {
    const updatedAt = Number(row.updated_at);
    const classified = classifySaga({
      state: row.state,
      ...(row.expected_step ? { expectedStep: row.expected_step } : {}),
      updatedAt,
      now: clock.now,
      deadlines: clock.deadlines,
    });
    return {
      id: row.id,
      state: classified.state,
      currentStep: row.current_step,
      ...(row.expected_step ? { expectedStep: row.expected_step } : {}),
      ...(classified.dueAt !== undefined
        ? { dueAt: new Date(classified.dueAt).toISOString() }
        : {}),
      ...(classified.overdueSeconds !== undefined
        ? { overdueSeconds: classified.overdueSeconds }
        : {}),
      startedAt: new Date(Number(row.started_at)).toISOString(),
      updatedAt: new Date(updatedAt).toISOString(),
      ...(row.region ? { region: row.region } : {}),
      ...(row.tenant_id ? { tenantId: row.tenant_id } : {}),
      ...(row.course_id ? { courseId: row.course_id } : {}),
      ...(row.course_version ? { courseVersion: row.course_version } : {}),
      ...(row.draft_id ? { draftId: row.draft_id } : {}),
      ...(row.play_package_id ? { playPackageId: row.play_package_id } : {}),
      ...(row.failure_reason ? { failureReason: row.failure_reason } : {}),
    };
  }
}

function toStepRecord(row: StepRow): SagaStepRecord {
  return {
    step: row.step,
    subject: row.subject,
    stream: row.stream,
    seq: Number(row.seq),
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    ...(row.event_id ? { eventId: row.event_id } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}
