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
  SagaRebuildPhase,
  StreamIdentity,
} from './types';

const INSTANCES = 'saga_instances';
const STEPS = 'saga_steps';
const MALFORMED = 'saga_malformed';
const STREAMS = 'saga_streams';
const REBUILD = 'saga_rebuild';

/** Sagas folded per transaction when a rebuild folds them all. */
const FOLD_CHUNK = 5000;
/** Such transactions at once on PostgreSQL (SQLite has one writer). */
const FOLD_TRANSACTIONS = 2;
/**
 * The advisory lock (its two-key form, apart from the sagas' one-key locks) that a
 * rebuild's end takes exclusively and every transaction applying deliveries shares:
 * ending the replay waits for each transaction that found it running (and folded
 * nothing) to commit.
 */
const REBUILD_LOCK = [7031, 1];

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

type ColumnType = 'text' | 'bigint';

const MALFORMED_COLUMNS = {
  stream: 'text',
  seq: 'bigint',
  subject: 'text',
  reason: 'text',
  excerpt: 'text',
  received_at: 'bigint',
} as const;
const FIELD_COLUMNS = {
  region: 'text',
  tenant_id: 'text',
  course_id: 'text',
  course_version: 'text',
  draft_id: 'text',
  play_package_id: 'text',
} as const;
const STEP_COLUMNS = {
  instance_id: 'text',
  step: 'text',
  subject: 'text',
  stream: 'text',
  seq: 'bigint',
  event_id: 'text',
  occurred_at: 'bigint',
  ...FIELD_COLUMNS,
  reason: 'text',
} as const;
/** The columns of an instance as `fold` writes it. */
const FOLDED_COLUMNS = {
  id: 'text',
  state: 'text',
  current_step: 'text',
  expected_step: 'text',
  started_at: 'bigint',
  updated_at: 'bigint',
  ...FIELD_COLUMNS,
  failure_reason: 'text',
} as const;
/** What `fold` reads of a step. */
const FOLD_INPUT = [
  'instance_id',
  'step',
  'occurred_at',
  ...FIELDS,
  'reason',
] as const;
type FoldInput = Pick<StepRow, (typeof FOLD_INPUT)[number]>;
/** What is read of a step: what `fold` needs, and the message it was. */
const STEP_READ = [...FOLD_INPUT, 'stream', 'seq'] as const;
type StepRead = Pick<StepRow, (typeof STEP_READ)[number]>;

/** Seeds the hash of a saga's id into its advisory lock's key (any constant would do). */
const SAGA_LOCK_SEED = 7031;

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
 * their steps (each with the stream sequence it came in), malformed events. Stuck is derived when
 * asked, from the deadlines, never stored.
 */
export class DatabaseSagaStore implements SagaProjectionStore {
  static async create(
    database: DatabaseService,
    options: { foldChunk?: number } = {},
  ): Promise<DatabaseSagaStore> {
    return new DatabaseSagaStore(
      await migrate(database),
      options.foldChunk ?? FOLD_CHUNK,
    );
  }

  private constructor(
    private readonly knex: Knex,
    private readonly foldChunk: number,
  ) {}

  /**
   * Applies a batch set-based, in one transaction: the same handful of statements
   * whatever its size (store the malformed, insert the steps, lock the sagas that gained
   * one, read their steps, write them folded), with the outcomes one delivery at a time
   * would have had.
   *
   * Idempotent on (stream, sequence) without a table of its own: each message a saga
   * uses is the step row it became (which keeps its stream and sequence), each malformed
   * one its row of `saga_malformed`. A step that is already there was either this very
   * message, delivered again (`already-processed`), or another message of the same step
   * (`duplicate-step`); a message that was a duplicate step is one again when redelivered.
   */
  async apply(deliveries: SagaDelivery[]): Promise<SagaApplyOutcome[]> {
    if (deliveries.length === 0) return [];
    return this.knex.transaction(tx => this.applyBatch(tx, deliveries));
  }

  private async applyBatch(
    tx: Knex.Transaction,
    deliveries: SagaDelivery[],
  ): Promise<SagaApplyOutcome[]> {
    // A (stream, seq) seen earlier in the batch is a redelivery.
    const outcomes: SagaApplyOutcome[] = deliveries.map(
      () => 'already-processed',
    );
    const seen = new Set<string>();
    const events: Array<{ index: number; event: SagaEvent }> = [];
    const malformed: Array<{ index: number; row: MalformedRow }> = [];
    deliveries.forEach((delivery, index) => {
      const key = messageKey(delivery.stream, delivery.seq);
      if (seen.has(key)) return;
      seen.add(key);
      const decoded = decodeSagaEvent(delivery);
      if (decoded.kind === 'event') {
        events.push({ index, event: decoded.event });
        return;
      }
      malformed.push({
        index,
        row: {
          stream: delivery.stream,
          seq: delivery.seq,
          subject: delivery.subject,
          reason: decoded.reason,
          excerpt: excerpt(delivery.data),
          received_at: delivery.receivedAt,
        },
      });
    });
    if (malformed.length) {
      const stored: Array<{ stream: string; seq: Numeric }> =
        await this.insertRows(
          tx,
          MALFORMED,
          MALFORMED_COLUMNS,
          // In one order, so that transactions storing the same ones never deadlock.
          malformed
            .map(m => m.row)
            .sort(
              (a, b) =>
                byCodePoint(a.stream, b.stream) ||
                Number(a.seq) - Number(b.seq),
            ),
          {
            onConflict: 'on conflict (stream, seq) do nothing',
            returning: 'stream, seq',
          },
        );
      const added = new Set(
        stored.map(row => messageKey(row.stream, Number(row.seq))),
      );
      for (const { index, row } of malformed)
        if (added.has(messageKey(row.stream, Number(row.seq))))
          outcomes[index] = 'malformed';
    }
    if (events.length === 0) return outcomes;

    // The first delivery of a step of a saga is inserted; a later one in the batch is a
    // duplicate, unless the step was there before: then it may be the very message.
    const candidates: Array<{ index: number; event: SagaEvent }> = [];
    const later: Array<{ index: number; event: SagaEvent }> = [];
    const seenSteps = new Set<string>();
    for (const candidate of events) {
      const key = stepKey(candidate.event.instanceId, candidate.event.step);
      if (seenSteps.has(key)) later.push(candidate);
      else {
        seenSteps.add(key);
        candidates.push(candidate);
      }
    }

    const replaying = (await this.rebuildPhase(tx, true)) === 'replaying';

    // The steps go in before the sagas are locked (see lockInstances), in one order, so
    // that two transactions inserting the same ones wait for each other, never in a cycle.
    const inserted: Array<Pick<StepRow, 'instance_id' | 'step'>> =
      await this.insertRows(
        tx,
        STEPS,
        STEP_COLUMNS,
        candidates
          .map(({ index, event }) => toStepRow(event, deliveries[index]))
          .sort(
            (a, b) =>
              byCodePoint(a.instance_id, b.instance_id) ||
              byCodePoint(a.step, b.step),
          ),
        {
          onConflict: 'on conflict (instance_id, step) do nothing',
          returning: 'instance_id, step',
        },
      );
    const added = new Set(
      inserted.map(row => stepKey(row.instance_id, row.step)),
    );
    const changed = new Set<string>();
    const existing: Array<{ index: number; event: SagaEvent }> = [];
    for (const candidate of candidates) {
      const { event } = candidate;
      if (added.has(stepKey(event.instanceId, event.step))) {
        outcomes[candidate.index] = 'projected';
        changed.add(event.instanceId);
      } else existing.push(candidate);
    }
    for (const candidate of later) {
      const { event } = candidate;
      if (added.has(stepKey(event.instanceId, event.step)))
        outcomes[candidate.index] = 'duplicate-step';
      else existing.push(candidate);
    }
    // While a rebuild replays, the sagas are folded once at its end (finishRebuild).
    const folding = replaying ? [] : [...changed];
    await this.lockInstances(tx, folding);
    // The steps of the sagas to fold, and of those whose step was there.
    const steps = await this.readSteps(tx, [
      ...new Set([...folding, ...existing.map(e => e.event.instanceId)]),
    ]);
    const stored = new Map<string, string>();
    for (const step of steps)
      stored.set(
        stepKey(step.instance_id, step.step),
        messageKey(step.stream, Number(step.seq)),
      );
    for (const { index, event } of existing) {
      const delivery = deliveries[index];
      outcomes[index] =
        stored.get(stepKey(event.instanceId, event.step)) ===
        messageKey(delivery.stream, delivery.seq)
          ? 'already-processed'
          : 'duplicate-step';
    }
    await this.refold(tx, folding, steps);
    return outcomes;
  }

  /**
   * The phase of the rebuild under way, if one is. `share`: takes the rebuild lock shared
   * first (PostgreSQL), as a transaction applying deliveries must.
   */
  private async rebuildPhase(
    tx: Knex.Transaction | Knex,
    share = false,
  ): Promise<SagaRebuildPhase | undefined> {
    if (share && this.isPostgres)
      await tx.raw('select pg_advisory_xact_lock_shared(?, ?)', REBUILD_LOCK);
    const row: { phase: SagaRebuildPhase } | undefined = await tx(REBUILD)
      .where({ id: 1 })
      .first('phase');
    return row?.phase;
  }

  async rebuildState(): Promise<
    { phase: SagaRebuildPhase; startedAt: number } | undefined
  > {
    const row: { phase: SagaRebuildPhase; started_at: Numeric } | undefined =
      await this.knex(REBUILD).where({ id: 1 }).first();
    return row
      ? { phase: row.phase, startedAt: Number(row.started_at) }
      : undefined;
  }

  /**
   * Ends a rebuild's replay: once every transaction that found it replaying has
   * committed, the sagas are folded from their steps, in chunks (each under the sagas'
   * locks, so that transactions applying new steps meanwhile fold beside it; two at once
   * on PostgreSQL), and the rebuild is over. Resumes where a restart left it; does
   * nothing when no rebuild runs. Stops between chunks once `stopped()` says so (the
   * phase stays, for the next call).
   */
  async finishRebuild(
    options: {
      onProgress?: (folded: number, total: number) => void;
      stopped?: () => boolean;
    } = {},
  ): Promise<{ folded: number; finished: boolean }> {
    const { onProgress, stopped } = options;
    await this.knex.transaction(async tx => {
      if (this.isPostgres)
        await tx.raw('select pg_advisory_xact_lock(?, ?)', REBUILD_LOCK);
      await tx(REBUILD)
        .where({ id: 1, phase: 'replaying' })
        .update({ phase: 'folding' });
    });
    if ((await this.rebuildPhase(this.knex)) !== 'folding')
      return { folded: 0, finished: true };
    const [{ n }] = await this.knex(STEPS).countDistinct({ n: 'instance_id' });
    const total = Number(n);
    const run = {
      folded: 0,
      failures: [] as unknown[],
      folding: new Set<Promise<void>>(),
    };
    const fold = (ids: string[]) => {
      const chunk: Promise<void> = this.knex
        .transaction(async tx => {
          await this.lockInstances(tx, ids);
          await this.refold(tx, ids, await this.readSteps(tx, ids));
        })
        .then(() => {
          run.folded += ids.length;
          onProgress?.(run.folded, Math.max(total, run.folded));
        })
        .catch(error => {
          run.failures.push(error);
        })
        .finally(() => run.folding.delete(chunk));
      run.folding.add(chunk);
      return chunk;
    };
    // The next chunk's ids are read while up to FOLD_TRANSACTIONS chunks are folded.
    let after = '';
    while (run.failures.length === 0 && !stopped?.()) {
      const rows: Array<{ instance_id: string }> = await this.knex(STEPS)
        .distinct('instance_id')
        .where('instance_id', '>', after)
        .orderBy('instance_id')
        .limit(this.foldChunk);
      if (rows.length === 0) break;
      const ids = rows.map(row => row.instance_id);
      after = ids[ids.length - 1];
      fold(ids);
      if (run.folding.size >= (this.isPostgres ? FOLD_TRANSACTIONS : 1))
        await Promise.race(run.folding);
    }
    await Promise.all(run.folding);
    if (run.failures.length) throw run.failures[0];
    const folded = run.folded;
    if (stopped?.()) return { folded, finished: false };
    await this.knex(REBUILD).where({ id: 1 }).delete();
    return { folded, finished: true };
  }

  /**
   * On PostgreSQL, takes a transaction-scoped advisory lock per saga that gained a step,
   * in the order of the locks' keys, so that two transactions (of this backend or
   * another) never fold one saga at once, and never deadlock. No row is written for it:
   * the sagas are inserted or updated once, folded, by `refold`. SQLite has one writer and
   * nothing to lock.
   *
   * The transaction has inserted its steps by then, unlocked: whichever of two
   * transactions adding steps to a saga locks it last reads the other's steps committed,
   * and its own, and folds them all. Only reading the steps and writing the sagas wait for
   * the other transaction; inserting the steps, the most work, runs beside it. A
   * transaction holding locks waits for no insert: its own are done, and a saga's row is
   * written only under its lock.
   */
  private async lockInstances(
    tx: Knex.Transaction,
    ids: string[],
  ): Promise<void> {
    if (this.isPostgres && ids.length)
      // Keys are 64-bit hashes of the ids: two sagas sharing one only wait for each other.
      await tx.raw(
        `select count(pg_advisory_xact_lock(k)) from (
           select distinct hashtextextended(id, ${SAGA_LOCK_SEED}) as k
           from json_array_elements_text(?::json) as id order by k
         ) as keys`,
        [JSON.stringify(ids)],
      );
  }

  /** The steps of these sagas: what folding needs, and the message each was. */
  private async readSteps(
    tx: Knex.Transaction,
    ids: string[],
  ): Promise<StepRead[]> {
    if (ids.length === 0) return [];
    return this.rowsOf(
      await tx.raw(
        `select ${STEP_READ.join(
          ', ',
        )} from ${STEPS} where instance_id ${this.inList()}`,
        [JSON.stringify(ids)],
      ),
    );
  }

  /** Folds the sagas from all their steps (among `steps`) and writes them back. */
  private async refold(
    tx: Knex.Transaction,
    ids: string[],
    steps: FoldInput[],
  ): Promise<void> {
    if (ids.length === 0) return;
    const stepsOf = new Map<string, FoldInput[]>(ids.map(id => [id, []]));
    for (const step of steps) stepsOf.get(step.instance_id)?.push(step);
    const merge = Object.keys(FOLDED_COLUMNS)
      .filter(column => column !== 'id')
      .map(column => `${column} = excluded.${column}`)
      .join(', ');
    await this.insertRows(
      tx,
      INSTANCES,
      FOLDED_COLUMNS,
      ids.map(id => ({ id, ...this.fold(stepsOf.get(id)!) })),
      { onConflict: `on conflict (id) do update set ${merge}` },
    );
  }

  private get isPostgres(): boolean {
    return this.knex.client.config.client === 'pg';
  }

  /** `in` the strings of one JSON array parameter (on PostgreSQL an index-friendly `any`). */
  private inList(): string {
    return this.isPostgres
      ? '= any(array(select json_array_elements_text(?::json)))'
      : 'in (select value from json_each(?))';
  }

  /**
   * Inserts rows with one statement whatever their number, its one parameter the rows as
   * JSON, read back as a table (PostgreSQL's `json_to_recordset`, SQLite's `json_each`):
   * the statement stays short, nowhere near a limit on bound variables, and the database
   * parses no SQL per row.
   */
  private async insertRows<R = unknown>(
    tx: Knex.Transaction,
    table: string,
    columns: Readonly<Record<string, ColumnType>>,
    rows: object[],
    clauses: { onConflict: string; returning?: string },
  ): Promise<R[]> {
    if (rows.length === 0) return [];
    const names = Object.keys(columns);
    const source = this.isPostgres
      ? `select * from json_to_recordset(?::json) as r(${names
          .map(name => `${name} ${columns[name]}`)
          .join(', ')})`
      : `select ${names
          .map(name => `json_extract(value, '$.${name}')`)
          .join(', ')} from json_each(?)`;
    // "where true": SQLite's parser needs it between a SELECT and ON CONFLICT.
    const sql = `insert into ${table} (${names.join(
      ', ',
    )}) ${source} where true ${clauses.onConflict}${
      clauses.returning ? ` returning ${clauses.returning}` : ''
    }`;
    return this.rowsOf(await tx.raw(sql, [JSON.stringify(rows)]));
  }

  /** The rows of a raw query's result (PostgreSQL's has them in `rows`). */
  private rowsOf<R>(result: unknown): R[] {
    if (Array.isArray(result)) return result as R[];
    return ((result as { rows?: R[] } | undefined)?.rows ?? []) as R[];
  }

  /** The instance's columns from all its steps, whatever order they came in. */
  private fold(steps: FoldInput[]) {
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

  async clear(
    options: { rebuild?: { startedAt: number } } = {},
  ): Promise<void> {
    // In the order apply takes them. PostgreSQL truncates at once: deleting leaves every
    // row dead in the tables and their indexes until vacuumed, which slows the replay.
    const tables = [MALFORMED, INSTANCES, STEPS, STREAMS, REBUILD];
    await this.knex.transaction(async tx => {
      if (this.isPostgres) await tx.raw(`truncate table ${tables.join(', ')}`);
      else for (const table of tables) await tx(table).delete();
      if (options.rebuild)
        await tx(REBUILD).insert({
          id: 1,
          phase: 'replaying',
          started_at: options.rebuild.startedAt,
        });
    });
  }

  async checkStream(
    identity: StreamIdentity,
  ): Promise<'same' | 'new' | 'recreated'> {
    return this.knex.transaction(async tx => {
      // The consumers of one stream check it at once: the first records it, the others
      // wait for it and find it.
      const inserted = await tx(STREAMS)
        .insert(identity)
        .onConflict('stream')
        .ignore()
        .returning('stream');
      if (inserted.length) return 'new';
      const known: { created: string } | undefined = await tx(STREAMS)
        .where({ stream: identity.stream })
        .forUpdate()
        .first();
      if (known?.created === identity.created) return 'same';
      if (known) {
        // Its sequences start again: the malformed ones of the old stream would hide new
        // ones. (A step row keeps its saga's history; a new step of it is a new message.)
        await tx(MALFORMED).where({ stream: identity.stream }).delete();
        await tx(STREAMS)
          .where({ stream: identity.stream })
          .update({ created: identity.created });
        return 'recreated';
      }
      return 'same';
    });
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
