import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  SagaProjectorConsumer,
  SagaProjectorStatus,
  SagaRebuildStatus,
  SagaStepName,
  SAGA_STEPS,
  SAGA_SUBJECTS,
} from '@internal/backstage-plugin-service-ops-common';
import {
  JetStreamConnection,
  JetStreamDelivery,
  sleepUnless,
} from '../JetStreamConnection';
import { SagaSettings } from '../types';
import { SagaApplyOutcome, SagaDelivery, SagaProjectionStore } from './types';

const BATCH = 200;
/**
 * Batches a consumer has on their way through transactions while it pulls the next; with
 * that one, (AHEAD + 1) x BATCH stays within the consumers' max_ack_pending (1000).
 */
const AHEAD = 4;
/**
 * Transactions of the store at once. Measured side by side with the real projector over
 * a real nats-server into PostgreSQL (150,000 events, 5 runs each after a warm-up, the
 * machine shared): 4 ahead and 2 at once 8.3 s (median), 2 ahead and 2 at once 9.5 s,
 * 4 ahead and 1 at once 9.7 s (the least CPU here, but nothing overlaps its statements).
 */
const TRANSACTIONS = 2;
/** How the projector batches, for the benchmark's report. */
export const SAGA_PROJECTOR_BATCHING = {
  batch: BATCH,
  ahead: AHEAD,
  transactions: TRANSACTIONS,
} as const;
const FETCH_EXPIRES_MS = 1000;
const MAX_BACKOFF_MS = 15_000;
const NAK_DELAY_MS = 1000;

/** One saga subject, its stream and its durable consumer. */
interface Binding {
  step: SagaStepName;
  subject: string;
  consumer: string;
  stream?: string;
  ready: boolean;
  error?: string;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** A consumer's batch waiting for the next transaction. */
interface Queued {
  deliveries: SagaDelivery[];
  resolve(outcomes: SagaApplyOutcome[]): void;
  reject(error: unknown): void;
}

/**
 * Projects the publish saga from JetStream into the database: one durable pull consumer
 * per saga subject (`<consumerName>-<step>`, filtered to the subject, on whichever stream
 * holds it), each pulled in its own loop. A batch is applied in one transaction (with the
 * batches of the other consumers that came meanwhile) and acked only after the commit; a
 * batch that fails is nakked and comes again, and the store skips what it had already
 * projected, so nothing is lost or counted twice across NATS or backend restarts.
 * Malformed events are stored by the store and acked.
 */
export class JetStreamSagaProjector {
  private readonly bindings: Binding[];
  private loops: Promise<void>[] = [];
  private stopping = false;
  private paused = false;
  private inFlight = 0;
  private lastEventAt?: number;
  private lastError?: { message: string; at: string };
  private rebuildStatus?: SagaRebuildStatus;
  private readonly queued: Queued[] = [];
  private openTransactions = 0;
  private startScheduled = false;
  /** The loop following a rebuild, awaited by stop(). */
  private following?: Promise<void>;

  private constructor(
    private readonly connection: JetStreamConnection,
    private readonly store: SagaProjectionStore,
    private readonly settings: SagaSettings,
    private readonly logger: LoggerService,
    private readonly now: () => number,
    private readonly batching: { ahead: number; transactions: number },
  ) {
    this.bindings = SAGA_STEPS.map(step => ({
      step,
      subject: SAGA_SUBJECTS[step],
      consumer: `${settings.consumerName}-${step}`,
      ready: false,
    }));
  }

  static create(options: {
    connection: JetStreamConnection;
    store: SagaProjectionStore;
    settings: SagaSettings;
    logger: LoggerService;
    now?: () => number;
    /** For measurements: other batching than the defaults (SAGA_PROJECTOR_BATCHING). */
    batching?: { ahead: number; transactions: number };
  }): JetStreamSagaProjector {
    return new JetStreamSagaProjector(
      options.connection,
      options.store,
      options.settings,
      options.logger,
      options.now ?? Date.now,
      options.batching ?? { ahead: AHEAD, transactions: TRANSACTIONS },
    );
  }

  /**
   * Starts pulling (unless NATS is not configured); returns at once. A rebuild that a
   * restart interrupted is followed to its end.
   */
  start(): void {
    if (this.connection.health().state === 'not-configured') return;
    if (this.loops.length) return;
    this.stopping = false;
    this.loops = this.bindings.map(binding => this.run(binding));
    void this.resumeRebuild();
  }

  private async resumeRebuild(): Promise<void> {
    const state = await this.store.rebuildState().catch(() => undefined);
    if (!state || this.rebuildStatus?.state === 'running' || this.stopping)
      return;
    this.logger.info(
      `publish-saga projection: resuming the rebuild started ${new Date(
        state.startedAt,
      ).toISOString()} (${state.phase})`,
    );
    this.rebuildStatus = {
      state: 'running',
      phase: state.phase,
      startedAt: new Date(state.startedAt).toISOString(),
      total: 0,
      remaining: await this.remaining().catch(() => 0),
    };
    await this.follow();
  }

  /** Follows the rebuild (once at a time), for stop() to wait for. */
  private follow(): Promise<void> {
    this.following ??= this.followRebuild().finally(() => {
      this.following = undefined;
    });
    return this.following;
  }

  /**
   * Stops pulling; resolves once the batches in flight are applied and acked (and a
   * rebuild's folding has stopped between two chunks).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.loops, this.following]);
    this.loops = [];
  }

  /** The projector and its consumers' backlogs (read from NATS when connected). */
  async status(): Promise<SagaProjectorStatus> {
    const nats = this.connection.health().state;
    const consumers = await Promise.all(
      this.bindings.map(binding =>
        this.consumerStatus(binding, nats === 'connected'),
      ),
    );
    return {
      state: this.projectorState(nats),
      consumers,
      ...(this.lastEventAt
        ? { lastEventAt: new Date(this.lastEventAt).toISOString() }
        : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.rebuildStatus ? { rebuild: { ...this.rebuildStatus } } : {}),
    };
  }

  /**
   * Starts a rebuild, unless one runs: pauses the consumers, deletes them, empties the
   * projection and recreates them to deliver every message from the start of the streams.
   * Resolves with its status once the replay has started; `status().rebuild` follows it.
   *
   * @throws ServiceUnavailableError when NATS is not connected
   */
  async rebuild(): Promise<SagaRebuildStatus> {
    if (this.rebuildStatus?.state === 'running')
      return { ...this.rebuildStatus };
    const health = this.connection.health();
    if (health.state !== 'connected')
      throw new ServiceUnavailableError(
        `cannot rebuild the saga projection: NATS is ${health.state}`,
      );
    const startedAt = this.now();
    this.rebuildStatus = {
      state: 'running',
      phase: 'replaying',
      startedAt: new Date(startedAt).toISOString(),
      total: 0,
      remaining: 0,
    };
    try {
      await this.replayFromStart(startedAt);
      const remaining = await this.remaining();
      this.rebuildStatus = {
        ...this.rebuildStatus,
        total: remaining,
        remaining,
      };
      void this.follow();
    } catch (error) {
      this.paused = false;
      this.rebuildStatus = {
        ...this.rebuildStatus,
        state: 'failed',
        finishedAt: new Date(this.now()).toISOString(),
        error: String(error),
      };
    }
    return { ...this.rebuildStatus };
  }

  private projectorState(nats: string): SagaProjectorStatus['state'] {
    if (nats === 'not-configured') return 'not-configured';
    if (this.stopping || this.loops.length === 0) return 'stopped';
    if (this.rebuildStatus?.state === 'running') return 'rebuilding';
    return this.bindings.every(b => b.ready) ? 'running' : 'starting';
  }

  private async consumerStatus(
    binding: Binding,
    connected: boolean,
  ): Promise<SagaProjectorConsumer> {
    const base = {
      subject: binding.subject,
      name: binding.consumer,
      ...(binding.stream ? { stream: binding.stream } : {}),
      ...(binding.error ? { error: binding.error } : {}),
    };
    if (!connected || !binding.stream) return base;
    const figures = await this.connection
      .consumerFigures(binding.stream, binding.consumer)
      .catch(() => undefined);
    return figures ? { ...base, backlog: figures.backlog } : base;
  }

  /**
   * Deletes the consumers, empties the projection and records the rebuild (the sagas
   * are folded once, at the end of the replay), deletes the consumers again (another
   * backend may have recreated one meanwhile) and recreates them to deliver from the
   * start. A step that fails leaves either the old projection with consumers that replay
   * everything (skipped as processed) or an empty one with consumers that do.
   */
  private async replayFromStart(startedAt: number): Promise<void> {
    this.paused = true;
    while (this.inFlight > 0) await sleep(20);
    await this.deleteConsumers();
    await this.store.clear({ rebuild: { startedAt } });
    await this.deleteConsumers();
    for (const binding of this.bindings)
      await this.setUp(binding).catch(error => this.failed(binding, error));
    this.paused = false;
    this.logger.info('publish-saga projection: rebuilding from the streams');
  }

  private async deleteConsumers(): Promise<void> {
    for (const binding of this.bindings) {
      binding.ready = false;
      const stream =
        binding.stream ?? (await this.connection.findStream(binding.subject));
      if (stream)
        await this.connection.deleteConsumer(stream, binding.consumer);
    }
  }

  /** Events the consumers have not projected yet. */
  private async remaining(): Promise<number> {
    let total = 0;
    for (const binding of this.bindings) {
      if (!binding.stream) continue;
      const figures = await this.connection.consumerFigures(
        binding.stream,
        binding.consumer,
      );
      total += figures?.backlog ?? 0;
    }
    return total;
  }

  /**
   * Updates the rebuild's progress every second until nothing remains to replay, then
   * has the store fold every saga (following its progress) and ends it.
   */
  private async followRebuild(): Promise<void> {
    while (this.rebuildStatus?.state === 'running' && !this.stopping) {
      await sleepUnless(1000, () => this.stopping);
      const remaining = await this.remaining().catch(() => undefined);
      if (remaining === undefined || !this.rebuildStatus) continue;
      this.rebuildStatus = { ...this.rebuildStatus, remaining };
      if (remaining > 0 || !this.bindings.every(b => b.ready) || this.stopping)
        continue;
      try {
        this.rebuildStatus = { ...this.rebuildStatus, phase: 'folding' };
        const { folded, finished } = await this.store.finishRebuild({
          onProgress: (done, total) => {
            if (this.rebuildStatus)
              this.rebuildStatus = {
                ...this.rebuildStatus,
                folding: { folded: done, total },
              };
          },
          stopped: () => this.stopping,
        });
        if (!finished) continue; // stopping: a restart resumes the folding
        this.logger.info(
          `publish-saga projection: rebuilt, ${folded} sagas folded from their steps`,
        );
        this.rebuildStatus = {
          ...this.rebuildStatus,
          state: 'done',
          finishedAt: new Date(this.now()).toISOString(),
        };
      } catch (error) {
        // The store keeps the phase: the next check (or a restart) resumes the folding.
        const message = error instanceof Error ? error.message : String(error);
        this.logger.warn(
          `publish-saga projection: folding the rebuilt sagas failed (${message}); trying again`,
        );
        this.lastError = { message, at: new Date(this.now()).toISOString() };
      }
    }
  }

  /**
   * Pulls and projects the binding's consumer until stopped, backing off on errors. The
   * next batch is pulled while the last ones (up to `AHEAD`) are on their way through
   * transactions; it goes into one with the other consumers' next batches.
   */
  private async run(binding: Binding): Promise<void> {
    let delay = 250;
    // The batches on their way, oldest first; each resolves with the error that failed
    // it, if one did.
    const pending: Promise<unknown>[] = [];
    /** Waits until at most `keep` are on their way; the first error among the others. */
    const settle = async (keep: number): Promise<unknown> => {
      let first: unknown;
      while (pending.length > keep) {
        const error = await pending.shift();
        first = first ?? error;
      }
      return first;
    };
    while (!this.stopping) {
      let failure: { error: unknown } | undefined;
      this.inFlight++;
      try {
        if (this.paused) {
          const error = await settle(0);
          if (error) throw error;
        } else {
          const deliveries = await this.pull(binding);
          const error = await settle(this.batching.ahead - 1);
          if (error) {
            for (const delivery of deliveries) delivery.nak(NAK_DELAY_MS);
            throw error;
          }
          if (deliveries.length)
            pending.push(
              this.project(deliveries).then(
                () => undefined,
                thrown => thrown ?? new Error('the transaction failed'),
              ),
            );
        }
      } catch (error) {
        failure = { error };
      } finally {
        this.inFlight--;
      }
      if (!failure) {
        delay = 250;
        if (this.paused) await sleep(50);
        continue;
      }
      this.failed(binding, failure.error);
      await sleepUnless(delay, () => this.stopping);
      delay = Math.min(delay * 2, MAX_BACKOFF_MS);
    }
    const error = await settle(0);
    if (error) this.failed(binding, error);
  }

  /** Sets the consumer up if needed and pulls a batch. */
  private async pull(binding: Binding): Promise<JetStreamDelivery[]> {
    if (!binding.ready) await this.setUp(binding);
    return this.connection.fetch({
      stream: binding.stream!,
      consumer: binding.consumer,
      max: BATCH,
      expiresMs: FETCH_EXPIRES_MS,
    });
  }

  /** Finds the subject's stream, notices a recreated stream, ensures the consumer. */
  private async setUp(binding: Binding): Promise<void> {
    const stream = await this.connection.findStream(binding.subject);
    if (!stream) throw new Error(`no stream holds ${binding.subject} yet`);
    const figures = await this.connection.streamFigures(stream);
    if (!figures) throw new Error(`stream ${stream} disappeared`);
    const seen = await this.store.checkStream({
      stream,
      created: figures.created,
    });
    if (seen === 'recreated')
      this.logger.warn(
        `publish-saga projection: stream ${stream} was recreated; projecting it from its start`,
      );
    await this.connection.ensurePullConsumer({
      stream,
      name: binding.consumer,
      filterSubject: binding.subject,
      ackWaitSeconds: this.settings.ackWaitSeconds,
      description: `service-ops publish-saga projection of ${binding.subject}`,
    });
    binding.stream = stream;
    binding.ready = true;
    delete binding.error;
  }

  /** Applies a batch; acks after the commit, or nakks it all when the store failed. */
  private async project(deliveries: JetStreamDelivery[]): Promise<void> {
    // In flight until acked or nakked: a rebuild waits for it before it clears.
    this.inFlight++;
    try {
      await this.applyAndAck(deliveries);
    } finally {
      this.inFlight--;
    }
  }

  private async applyAndAck(deliveries: JetStreamDelivery[]): Promise<void> {
    const receivedAt = this.now();
    let outcomes;
    try {
      outcomes = await this.applyTogether(
        deliveries.map(d => ({
          stream: d.stream,
          seq: d.seq,
          subject: d.subject,
          data: d.data,
          receivedAt,
        })),
      );
    } catch (error) {
      for (const delivery of deliveries) delivery.nak(NAK_DELAY_MS);
      throw error;
    }
    for (const delivery of deliveries) delivery.ack();
    this.lastEventAt = receivedAt;
    const malformed = outcomes.filter(o => o === 'malformed').length;
    if (malformed)
      this.logger.warn(
        `publish-saga projection: ${malformed} malformed event(s) on ${deliveries[0].subject} stored and acked (GET /sagas/malformed)`,
      );
  }

  /**
   * Applies a consumer's batch in a transaction of the store, together with the batches
   * of the other consumers that came meanwhile (a group commit), in the order they came;
   * up to `TRANSACTIONS` at once (the store locks the sagas in one order). The consumers
   * replay the streams side by side, where a saga's steps are about as far into each:
   * one transaction then folds each saga once for several of its steps. Resolves with
   * the batch's own outcomes once committed; when the transaction fails, every batch in
   * it fails.
   */
  private applyTogether(
    deliveries: SagaDelivery[],
  ): Promise<SagaApplyOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queued.push({ deliveries, resolve, reject });
      this.startTransactions();
    });
  }

  /**
   * Starts a transaction with every batch queued, while fewer than `TRANSACTIONS` are
   * open. A turn of the event loop first: the consumers whose batches a transaction
   * settled queue their next ones.
   */
  private startTransactions(): void {
    if (this.startScheduled) return;
    this.startScheduled = true;
    setImmediate(() => {
      this.startScheduled = false;
      while (
        this.openTransactions < this.batching.transactions &&
        this.queued.length
      ) {
        const group = this.queued.splice(0);
        this.openTransactions++;
        void this.applyGroup(group).finally(() => {
          this.openTransactions--;
          this.startTransactions();
        });
      }
    });
  }

  private async applyGroup(group: Queued[]): Promise<void> {
    try {
      const outcomes = await this.store.apply(
        group.flatMap(batch => batch.deliveries),
      );
      let at = 0;
      for (const batch of group) {
        batch.resolve(outcomes.slice(at, at + batch.deliveries.length));
        at += batch.deliveries.length;
      }
    } catch (error) {
      for (const batch of group) batch.reject(error);
    }
  }

  private failed(binding: Binding, error: unknown): void {
    binding.ready = false;
    const message = error instanceof Error ? error.message : String(error);
    if (binding.error !== message)
      this.logger.warn(
        `publish-saga projection of ${binding.subject}: ${message}`,
      );
    binding.error = message;
    this.lastError = { message, at: new Date(this.now()).toISOString() };
  }
}
