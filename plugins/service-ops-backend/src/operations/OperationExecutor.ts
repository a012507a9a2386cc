import { randomUUID } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import {
  OperationKind,
  OperationStep,
} from '@internal/backstage-plugin-service-ops-common';
import {
  ClaimedOperation,
  LeaseLostError,
  OperationStore,
  StoredOperation,
} from './types';

/** What a handler's `advance` did, and what the executor does next. */
export type Advance =
  /** More to do now: call `advance` again. */
  | { type: 'continue' }
  /** Nothing to do before `until` (epoch ms): the lease is released; a durable wait. */
  | { type: 'wait'; until: number }
  | { type: 'succeeded' }
  | { type: 'failed'; error: string }
  | { type: 'cancelled' };

/** What a handler sees of the operation it advances, and how it records progress. */
export interface OperationContext {
  readonly operation: StoredOperation;
  now(): number;
  /**
   * Records steps and progress durably, while the lease holds. Call it before a side
   * effect (what is about to be done) and after it (that it was done).
   *
   * @throws LeaseLostError when another executor took the operation over
   */
  save(changes: {
    steps?: OperationStep[];
    progress?: JsonObject;
  }): Promise<void>;
}

/**
 * One kind of operation. `advance` does one short unit of work (one eviction, one check
 * of a wait) and must be idempotent given the recorded progress: after a crash, another
 * executor calls it again with the progress last saved.
 */
export interface OperationHandler {
  kind: OperationKind;
  advance(context: OperationContext): Promise<Advance>;
}

/** Something changed in an operation (for live push and notifications). */
export type OperationListener = (operation: StoredOperation) => void;

export interface OperationExecutorOptions {
  store: OperationStore;
  handlers: OperationHandler[];
  logger: LoggerService;
  /** How long a claim lasts without a write; another executor may take over after. */
  leaseMs?: number;
  /** How often to look for runnable operations. */
  pollMs?: number;
  /** Operations run at once by this executor. */
  concurrency?: number;
  now?: () => number;
  /** Identifies this executor in the lease (defaults to a random id). */
  owner?: string;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Runs operations from the store: claims a runnable one (its lease free or expired, its
 * wait over), advances it step by step through its kind's handler, writing each step's
 * outcome while the lease holds, and lets the lease go during a durable wait. A crashed
 * executor's operations are taken over when their lease expires; an executor that finds
 * its lease lost stops at once, so an operation never runs in two places.
 */
export class OperationExecutor {
  private readonly handlers: Map<OperationKind, OperationHandler>;
  private readonly running = new Map<string, Promise<void>>();
  private readonly listeners = new Set<OperationListener>();
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly now: () => number;
  readonly owner: string;
  private loop?: Promise<void>;
  private stopping = false;
  private wake?: () => void;

  constructor(private readonly options: OperationExecutorOptions) {
    this.handlers = new Map(options.handlers.map(h => [h.kind, h]));
    this.leaseMs = options.leaseMs ?? 30_000;
    this.pollMs = options.pollMs ?? 1000;
    this.concurrency = options.concurrency ?? 4;
    this.now = options.now ?? Date.now;
    this.owner = options.owner ?? `executor-${randomUUID()}`;
  }

  onChange(listener: OperationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells listeners about a change made outside the executor (a new or cancelled operation). */
  changed(operation: StoredOperation): void {
    for (const listener of this.listeners) {
      try {
        listener(operation);
      } catch (error) {
        this.options.logger.warn(`operation listener failed: ${error}`);
      }
    }
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
  }

  /** Looks for work now instead of at the next poll. */
  poke(): void {
    this.wake?.();
  }

  /**
   * Stops claiming; the operations in hand finish their current unit of work and give
   * their lease up, so another executor continues them at once.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    await Promise.all(this.running.values());
    this.loop = undefined;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        while (this.running.size < this.concurrency && !this.stopping) {
          const claim = await this.options.store.claim({
            owner: this.owner,
            now: this.now(),
            leaseMs: this.leaseMs,
            exclude: [...this.running.keys()],
          });
          if (!claim) break;
          const id = claim.operation.id;
          this.running.set(
            id,
            this.drive(claim).finally(() => {
              this.running.delete(id);
              this.wake?.();
            }),
          );
        }
      } catch (error) {
        this.options.logger.warn(`operations: cannot claim work: ${error}`);
      }
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** Advances one claimed operation until it waits, ends, or the lease is lost. */
  private async drive(initial: ClaimedOperation): Promise<void> {
    const { store, logger } = this.options;
    // The claim as last written: every write returns the fresh row and extended lease.
    const held = { claim: initial };
    const write = async (changes: Parameters<OperationStore['update']>[1]) => {
      held.claim = await store.update(
        held.claim,
        changes,
        this.now(),
        this.leaseMs,
      );
      return held.claim.operation;
    };
    const handler = this.handlers.get(initial.operation.kind);
    try {
      if (!handler) {
        this.changed(
          await write({
            state: 'failed',
            error: `no handler for operations of kind ${initial.operation.kind}`,
          }),
        );
        return;
      }
      if (initial.operation.state === 'awaiting-approval') {
        // Claimed only once its approval window has ended: it fails unapproved.
        if (await store.expireApproval(initial, this.now())) {
          const expired = await store.get(initial.operation.id);
          if (expired) {
            logger.info(`operation ${expired.id} failed: ${expired.error}`);
            this.changed(expired);
          }
        } else await store.release(initial);
        return;
      }
      if (initial.operation.state === 'pending')
        this.changed(await write({ state: 'running', runAfter: null }));
      const context: OperationContext = {
        get operation() {
          return held.claim.operation;
        },
        now: this.now,
        save: async changes => {
          this.changed(await write(changes));
        },
      };
      for (;;) {
        const advance = await this.advanceOnce(handler, context);
        if (advance.type === 'continue') {
          if (!this.stopping) continue;
          await store.release(held.claim);
          return;
        }
        if (advance.type === 'wait') {
          await write({ runAfter: advance.until });
          await store.release(held.claim);
          return;
        }
        const operation = await write({
          state: advance.type,
          runAfter: null,
          ...(advance.type === 'failed' ? { error: advance.error } : {}),
        });
        logger.info(
          `operation ${operation.id} (${operation.kind} of ${operation.entityRef} in ${operation.cluster}) ${advance.type}`,
        );
        this.changed(operation);
        return;
      }
    } catch (error) {
      if (error instanceof LeaseLostError) {
        logger.warn(error.message);
        return;
      }
      logger.error(
        `operation ${held.claim.operation.id}: the executor failed: ${error}`,
      );
      // Let another attempt (here or elsewhere) continue from the last saved progress.
      await store.release(held.claim).catch(() => {});
      await sleep(this.pollMs);
    }
  }

  /** One unit of work; a handler's error (other than a lost lease) fails the operation. */
  private async advanceOnce(
    handler: OperationHandler,
    context: OperationContext,
  ): Promise<Advance> {
    try {
      return await handler.advance(context);
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      return {
        type: 'failed',
        error: error instanceof Error ? error.message : String(error),
      };
    }
  }
}
