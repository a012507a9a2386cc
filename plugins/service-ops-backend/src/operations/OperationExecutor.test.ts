import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { DatabaseOperationStore } from './DatabaseOperationStore';
import {
  Advance,
  OperationContext,
  OperationExecutor,
  OperationHandler,
} from './OperationExecutor';
import { LeaseLostError, NewOperation } from './types';

jest.setTimeout(120_000);

// SQLite always; PostgreSQL where scripts/postgres.sh provided one (make test does).
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15'],
});
const logger = mockServices.logger.mock();

async function storeOn(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const database: DatabaseService = { getClient: async () => knex };
  return DatabaseOperationStore.create(database);
}

function newOperation(
  target: string,
  overrides: Partial<NewOperation> = {},
): NewOperation {
  return {
    kind: 'collab-drain',
    entityRef: `component:default/${target}`,
    cluster: 'eu',
    parameters: { cluster: 'eu' },
    steps: [],
    progress: { done: 0 },
    actor: 'user:default/sam.oncall',
    reason: 'a test operation',
    requestHash: `hash-of-${target}`,
    ...overrides,
  };
}

/**
 * Five steps; each records its effect in `effects` (the outside world) and then its
 * progress. Optionally waits durably between steps.
 */
class CountingHandler implements OperationHandler {
  readonly kind = 'collab-drain' as const;
  constructor(
    private readonly effects: string[],
    private readonly options: { waitMs?: number; delayMs?: number } = {},
  ) {}
  async advance(context: OperationContext): Promise<Advance> {
    const progress = context.operation.progress as {
      done: number;
      waited?: boolean;
    };
    if (progress.done === 5) return { type: 'succeeded' };
    if (this.options.waitMs && !progress.waited) {
      await context.save({ progress: { ...progress, waited: true } });
      return { type: 'wait', until: context.now() + this.options.waitMs };
    }
    if (this.options.delayMs)
      await new Promise(r => setTimeout(r, this.options.delayMs));
    this.effects.push(`${context.operation.entityRef}#${progress.done}`);
    await context.save({ progress: { ...progress, done: progress.done + 1 } });
    return { type: 'continue' };
  }
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe.each(databases.eachSupportedId())('operations on %s', id => {
  it('makes a repeated request one operation and allows one running operation per target', async () => {
    const store = await storeOn(id);
    const first = await store.create(
      newOperation('a', { idempotencyKey: 'k1' }),
      1000,
    );
    expect(first.created).toBe(true);
    const again = await store.create(
      newOperation('a', { idempotencyKey: 'k1' }),
      2000,
    );
    expect(again).toMatchObject({
      created: false,
      operation: { id: first.operation.id },
    });
    await expect(
      store.create(
        newOperation('a', { idempotencyKey: 'k1', requestHash: 'other' }),
        2000,
      ),
    ).rejects.toThrow(/was used for another request/);
    await expect(store.create(newOperation('a'), 2000)).rejects.toThrow(
      ConflictError,
    );
    // another target is fine; so is the same key of another actor
    await store.create(newOperation('b'), 2000);
    await store.create(
      newOperation('c', { idempotencyKey: 'k1', actor: 'user:default/x' }),
      2000,
    );
    expect((await store.list({ limit: 10, offset: 0 })).totalCount).toBe(3);
  });

  it('gives a lease to one claimer only, and fences the writes of one that lost it', async () => {
    const store = await storeOn(id);
    await store.create(newOperation('a'), 1000);
    const claims = await Promise.all(
      ['x', 'y', 'z'].map(owner =>
        store.claim({ owner, now: 2000, leaseMs: 1000 }),
      ),
    );
    const won = claims.filter(Boolean);
    expect(won).toHaveLength(1);
    // while the lease holds nobody else gets it; once expired, someone does
    expect(
      await store.claim({ owner: 'w', now: 2500, leaseMs: 1000 }),
    ).toBeUndefined();
    const takeover = await store.claim({
      owner: 'w',
      now: 3001,
      leaseMs: 1000,
    });
    expect(takeover?.owner).toBe('w');
    await expect(
      store.update(won[0]!, { progress: { done: 1 } }, 3002, 1000),
    ).rejects.toThrow(LeaseLostError);
    const written = await store.update(
      takeover!,
      { state: 'succeeded' },
      3003,
      1000,
    );
    expect(written.operation).toMatchObject({ state: 'succeeded' });
    // a final operation frees its target
    await store.create(newOperation('a'), 4000);
  });

  it('runs every step of every operation exactly once with two executors on one database', async () => {
    const store = await storeOn(id);
    const effects: string[] = [];
    const executors = ['one', 'two'].map(
      owner =>
        new OperationExecutor({
          store,
          handlers: [new CountingHandler(effects, { delayMs: 5 })],
          logger,
          owner,
          pollMs: 20,
          leaseMs: 10_000,
        }),
    );
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(
        (await store.create(newOperation(`t${i}`), Date.now())).operation.id,
      );
    executors.forEach(e => e.start());
    await until(
      async () =>
        (
          await Promise.all(ids.map(i => store.get(i)))
        ).every(o => o?.state === 'succeeded'),
      'every operation to succeed',
    );
    await Promise.all(executors.map(e => e.stop()));
    expect(effects).toHaveLength(8 * 5);
    expect(new Set(effects).size).toBe(8 * 5);
  });

  it("takes over a crashed executor's operation when its lease expires, and continues from its progress", async () => {
    const store = await storeOn(id);
    const effects: string[] = [];
    const { operation } = await store.create(newOperation('a'), Date.now());
    // An executor that did two steps, then died holding the lease.
    const dead = await store.claim({
      owner: 'dead',
      now: Date.now(),
      leaseMs: 500,
    });
    await store.update(
      dead!,
      { state: 'running', progress: { done: 2 } },
      Date.now(),
      500,
    );
    const alive = new OperationExecutor({
      store,
      handlers: [new CountingHandler(effects)],
      logger,
      owner: 'alive',
      pollMs: 50,
      leaseMs: 5000,
    });
    alive.start();
    await until(
      async () => (await store.get(operation.id))?.state === 'succeeded',
      'the take-over to finish',
    );
    await alive.stop();
    expect(effects).toEqual([2, 3, 4].map(n => `${operation.entityRef}#${n}`));
  });

  it('keeps a durable wait across a restart: a new executor resumes after it', async () => {
    const store = await storeOn(id);
    const effects: string[] = [];
    const { operation } = await store.create(newOperation('a'), Date.now());
    const first = new OperationExecutor({
      store,
      handlers: [new CountingHandler(effects, { waitMs: 1500 })],
      logger,
      owner: 'first',
      pollMs: 50,
    });
    first.start();
    await until(
      async () => !!(await store.get(operation.id))?.waitingUntil,
      'the wait to start',
    );
    await first.stop(); // the backend restarts during the wait
    const waiting = await store.get(operation.id);
    expect(waiting).toMatchObject({ state: 'running' });
    expect(effects).toEqual([]);
    const second = new OperationExecutor({
      store,
      handlers: [new CountingHandler(effects, { waitMs: 1500 })],
      logger,
      owner: 'second',
      pollMs: 50,
    });
    second.start();
    await until(
      async () => (await store.get(operation.id))?.state === 'succeeded',
      'the resumed operation to finish',
    );
    await second.stop();
    expect(effects).toHaveLength(5);
    expect(
      Date.parse((await store.get(operation.id))!.finishedAt!) -
        Date.parse(waiting!.updatedAt),
    ).toBeGreaterThanOrEqual(1000);
  });

  it('turns a cancel request into cancelling at once, ending any wait', async () => {
    const store = await storeOn(id);
    const { operation } = await store.create(newOperation('a'), 1000);
    const claim = await store.claim({ owner: 'x', now: 1000, leaseMs: 1000 });
    await store.update(
      claim!,
      { state: 'running', runAfter: 99_999 },
      1001,
      1000,
    );
    await store.release(claim!);
    const cancelled = await store.requestCancel({
      id: operation.id,
      by: 'user:default/sam.oncall',
      now: 1002,
    });
    expect(cancelled).toMatchObject({
      state: 'cancelling',
      cancelRequestedBy: 'user:default/sam.oncall',
    });
    expect(cancelled?.waitingUntil).toBeUndefined();
    // runnable now, although the wait had not ended
    expect(
      await store.claim({ owner: 'y', now: 1003, leaseMs: 1000 }),
    ).toBeDefined();
  });

  it('runs nothing before the approvals it needs; the requester and a repeat approver do not count', async () => {
    const store = await storeOn(id);
    const effects: string[] = [];
    const { operation } = await store.create(
      newOperation('a', { approval: { required: 2, expiresAt: 60_000 } }),
      1000,
    );
    expect(operation).toMatchObject({
      state: 'awaiting-approval',
      approval: {
        required: 2,
        expiresAt: new Date(60_000).toISOString(),
        approvals: [],
      },
    });
    expect(operation.waitingUntil).toBeUndefined();
    // not claimable while its window is open
    expect(
      await store.claim({ owner: 'x', now: 2000, leaseMs: 1000 }),
    ).toBeUndefined();
    await expect(
      store.approve({ id: operation.id, by: operation.actor, now: 2000 }),
    ).rejects.toThrow(NotAllowedError);
    // two approvers at once: both are kept
    const [one] = await Promise.all([
      store.approve({
        id: operation.id,
        by: 'user:default/ana',
        comment: 'checked the incident',
        now: 2000,
      }),
      store.approve({ id: operation.id, by: 'user:default/bo', now: 2001 }),
    ]);
    expect(one).toBeDefined();
    const approved = await store.get(operation.id);
    expect(approved?.state).toBe('pending');
    expect(approved?.approval?.approvals.map(a => a.by).sort()).toEqual([
      'user:default/ana',
      'user:default/bo',
    ]);
    await expect(
      store.approve({ id: operation.id, by: 'user:default/cy', now: 2002 }),
    ).rejects.toThrow(/only an operation awaiting approval/);
    const executor = new OperationExecutor({
      store,
      handlers: [new CountingHandler(effects)],
      logger,
      pollMs: 50,
    });
    executor.start();
    await until(
      async () => (await store.get(operation.id))?.state === 'succeeded',
      'the approved operation to finish',
    );
    await executor.stop();
    expect(effects).toHaveLength(5);
  });

  it('refuses a second approval by the same person and one after the window', async () => {
    const store = await storeOn(id);
    const { operation } = await store.create(
      newOperation('a', { approval: { required: 2, expiresAt: 5000 } }),
      1000,
    );
    await store.approve({
      id: operation.id,
      by: 'user:default/ana',
      now: 2000,
    });
    await expect(
      store.approve({ id: operation.id, by: 'user:default/ana', now: 2500 }),
    ).rejects.toThrow(/approved operation .* already/);
    await expect(
      store.approve({ id: operation.id, by: 'user:default/bo', now: 5000 }),
    ).rejects.toThrow(/approval window .* ended/);
    expect((await store.get(operation.id))?.state).toBe('awaiting-approval');
  });

  it('fails an operation not approved in time, without running a step, and frees its target', async () => {
    const store = await storeOn(id);
    const effects: string[] = [];
    const { operation } = await store.create(
      newOperation('a', {
        approval: { required: 1, expiresAt: Date.now() + 300 },
      }),
      Date.now(),
    );
    const executor = new OperationExecutor({
      store,
      handlers: [new CountingHandler(effects)],
      logger,
      pollMs: 50,
    });
    const seen: string[] = [];
    executor.onChange(o => seen.push(o.state));
    executor.start();
    await until(
      async () => (await store.get(operation.id))?.state === 'failed',
      'the unapproved operation to fail',
    );
    await executor.stop();
    expect(effects).toEqual([]);
    expect(seen).toEqual(['failed']);
    expect((await store.get(operation.id))?.error).toMatch(
      /not approved by .*: it needed 1 approval\(s\) and got 0/,
    );
    // the target is free again
    await store.create(newOperation('a', { requestHash: 'again' }), Date.now());
  });

  it('cancels an operation awaiting approval at once: nothing was done', async () => {
    const store = await storeOn(id);
    const { operation } = await store.create(
      newOperation('a', { approval: { required: 1, expiresAt: 60_000 } }),
      1000,
    );
    const cancelled = await store.requestCancel({
      id: operation.id,
      by: 'user:default/ana',
      now: 2000,
    });
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      cancelRequestedBy: 'user:default/ana',
      finishedAt: new Date(2000).toISOString(),
    });
    await expect(
      store.approve({ id: operation.id, by: 'user:default/bo', now: 2001 }),
    ).rejects.toThrow(/is cancelled/);
    await store.create(newOperation('a', { requestHash: 'again' }), 3000);
  });
});
