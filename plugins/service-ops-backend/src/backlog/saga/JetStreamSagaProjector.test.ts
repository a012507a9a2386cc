import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_SAGA_DEADLINES,
  SagaStepName,
} from '@internal/backstage-plugin-service-ops-common';
import { Knex } from 'knex';
import { JetStreamConnection } from '../JetStreamConnection';
import {
  JetStreamFixtures,
  sagaEvent,
} from '../__testUtils__/jetStreamFixtures';
import { startNatsServer, TestNatsServer } from '@internal/sandbox-nats';
import { DatabaseSagaStore } from './DatabaseSagaStore';
import { JetStreamSagaProjector } from './JetStreamSagaProjector';
import {
  SagaApplyOutcome,
  SagaDelivery,
  SagaProjectionStore,
  StreamIdentity,
} from './types';

jest.setTimeout(90_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const logger = mockServices.logger.mock();
const CONSUMER = 'service-ops-saga-projector';

/** How a test saga goes: i % 4 picks one of these. */
const PLANS: SagaStepName[][] = [
  ['draft-published', 'built', 'course-version-published'],
  ['draft-published'],
  ['draft-published', 'build-failed', 'compensated'],
  ['draft-published', 'built'],
];

/**
 * A store that records what it did into `outcomes`, and fails as told: `before`, a
 * transaction that does not commit (the batch must not be acked, or it is lost);
 * `after`, one that commits and then fails (the batch comes again and must not count
 * twice).
 */
class RecordingStore implements SagaProjectionStore {
  constructor(
    private readonly inner: DatabaseSagaStore,
    private readonly outcomes: SagaApplyOutcome[],
    private readonly failures: Array<'before' | 'after'> = [],
  ) {}
  async apply(deliveries: SagaDelivery[]): Promise<SagaApplyOutcome[]> {
    const failure = this.failures.shift();
    if (failure === 'before') throw new Error('the transaction failed');
    const outcomes = await this.inner.apply(deliveries);
    if (failure === 'after')
      throw new Error('crashed after the commit, before the ack');
    this.outcomes.push(...outcomes);
    return outcomes;
  }
  clear(options?: { rebuild?: { startedAt: number } }) {
    return this.inner.clear(options);
  }
  checkStream(identity: StreamIdentity) {
    return this.inner.checkStream(identity);
  }
  rebuildState() {
    return this.inner.rebuildState();
  }
  finishRebuild(options?: Parameters<SagaProjectionStore['finishRebuild']>[0]) {
    return this.inner.finishRebuild(options);
  }
}

/** The store, each transaction `delayMs` late: a replay that takes a while. */
function slowStore(
  store: SagaProjectionStore,
  delayMs: number,
  onApply?: (deliveries: SagaDelivery[]) => void,
): SagaProjectionStore {
  return {
    apply: async deliveries => {
      onApply?.(deliveries);
      await new Promise(resolve => setTimeout(resolve, delayMs));
      return store.apply(deliveries);
    },
    clear: options => store.clear(options),
    checkStream: identity => store.checkStream(identity),
    rebuildState: () => store.rebuildState(),
    finishRebuild: options => store.finishRebuild(options),
  };
}

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('JetStreamSagaProjector against a real nats-server', () => {
  let nats: TestNatsServer;
  let fixtures: JetStreamFixtures;
  let knex: Knex;
  let store: DatabaseSagaStore;
  let running: { projector: JetStreamSagaProjector; stop(): Promise<void> };
  let published = 0;

  const clock = () => ({ now: Date.now(), deadlines: DEFAULT_SAGA_DEADLINES });

  /**
   * The malformed events without their receipt time, ordered by stream and sequence: a
   * rebuild reads the streams side by side, so the order of receipt may change.
   */
  async function malformedEvents() {
    const { items } = await store.listMalformed({ limit: 10, offset: 0 });
    return items
      .map(({ receivedAt: _r, ...rest }) => rest)
      .sort((a, b) => a.stream.localeCompare(b.stream) || a.seq - b.seq);
  }

  function startProjector(projectionStore: SagaProjectionStore) {
    const connection = JetStreamConnection.start({
      settings: { servers: [nats.url], name: 'saga-projector-test' },
      logger,
    });
    const projector = JetStreamSagaProjector.create({
      connection,
      store: projectionStore,
      settings: {
        consumerName: CONSUMER,
        deadlines: DEFAULT_SAGA_DEADLINES,
        ackWaitSeconds: 2,
      },
      logger,
    });
    projector.start();
    return {
      projector,
      stop: async () => {
        await projector.stop();
        await connection.close();
      },
    };
  }

  async function publishSagas(prefix: string, count: number) {
    for (let i = 0; i < count; i++)
      for (const step of PLANS[i % 4]) {
        const event = sagaEvent({
          publishId: `${prefix}-${i}`,
          step,
          occurredAt: new Date().toISOString(),
        });
        await fixtures.publish(event.subject, event.data, {
          msgId: `${prefix}-${i}-${step}`,
        });
        published += 1;
      }
  }

  /** Waits until every consumer of the projector has nothing left. */
  async function projected() {
    await until(async () => {
      const status = await running.projector.status();
      return (
        status.state === 'running' &&
        status.consumers.every(c => c.backlog === 0)
      );
    }, 'the projection to catch up');
  }

  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);

  beforeAll(async () => {
    nats = await startNatsServer();
    fixtures = await JetStreamFixtures.connect(nats.url);
    await fixtures.eventStreams();
    knex = await databases.init('SQLITE_3');
    const database: DatabaseService = { getClient: async () => knex };
    store = await DatabaseSagaStore.create(database);
  });

  afterAll(async () => {
    await running?.stop();
    await fixtures?.close();
    await nats?.stop();
  });

  it('loses and double-counts nothing across failed transactions, a nats-server restart and a projector restart', async () => {
    const outcomes: SagaApplyOutcome[] = [];
    running = startProjector(
      new RecordingStore(store, outcomes, ['before', 'after']),
    );
    await publishSagas('a', 40);
    // nats-server killed while the projection is under way, then started on its store
    await nats.restart();
    await publishSagas('b', 20);
    // the backend stops (in-flight batches finish and are acked) and starts again
    await running.stop();
    running = startProjector(new RecordingStore(store, outcomes));
    await publishSagas('c', 20);
    await projected();

    const { counts, total, malformed } = await store.counts(clock());
    expect({ counts, total, malformed }).toEqual({
      counts: {
        running: 40,
        stuck: 0,
        completed: 20,
        failed: 0,
        compensated: 20,
      },
      total: 80,
      malformed: 0,
    });
    expect(await count('saga_steps')).toBe(published);
    // the batch whose ack never went out came again and was recognised
    expect(outcomes).toContain('already-processed');
    const saga = await store.get('b-2', clock());
    expect(saga?.steps.map(s => s.step)).toEqual([
      'draft-published',
      'build-failed',
      'compensated',
    ]);
    const status = await running.projector.status();
    expect(status.consumers.map(c => [c.subject, c.stream, c.name])).toEqual([
      [
        'authoring.course_draft.published.v1',
        'AUTHORING_EVENTS',
        `${CONSUMER}-draft-published`,
      ],
      ['content.play_package.built.v1', 'CONTENT_EVENTS', `${CONSUMER}-built`],
      [
        'content.play_package.build_failed.v1',
        'CONTENT_EVENTS',
        `${CONSUMER}-build-failed`,
      ],
      [
        'catalog.course_version.published.v1',
        'CATALOG_EVENTS',
        `${CONSUMER}-course-version-published`,
      ],
      [
        'authoring.publish_saga.compensated.v1',
        'AUTHORING_EVENTS',
        `${CONSUMER}-compensated`,
      ],
    ]);
  });

  it('counts, stores and acks malformed events and keeps projecting', async () => {
    await fixtures.publish(
      'authoring.course_draft.published.v1',
      '{"publishId":"m-1","cour',
    );
    const noId = JSON.parse(
      sagaEvent({
        publishId: 'x',
        step: 'built',
        occurredAt: new Date().toISOString(),
      }).data,
    );
    delete noId.publishId;
    await fixtures.publish(
      'content.play_package.built.v1',
      JSON.stringify(noId),
    );
    await publishSagas('m', 1);
    await projected();

    expect((await store.counts(clock())).malformed).toBe(2);
    const { items } = await store.listMalformed({ limit: 10, offset: 0 });
    expect(items.map(i => [i.stream, i.subject, i.reason])).toEqual(
      expect.arrayContaining([
        [
          'AUTHORING_EVENTS',
          'authoring.course_draft.published.v1',
          expect.stringMatching(/^not JSON/),
        ],
        [
          'CONTENT_EVENTS',
          'content.play_package.built.v1',
          expect.stringMatching(/publishId .* is missing/),
        ],
      ]),
    );
    expect(await store.get('m-0', clock())).toMatchObject({
      state: 'completed',
    });
    // acked: nothing pending, nothing waiting for redelivery
    const info = await fixtures.jsm.consumers.info(
      'AUTHORING_EVENTS',
      `${CONSUMER}-draft-published`,
    );
    expect(info.num_ack_pending + info.num_pending).toBe(0);
  });

  it('rebuilds the same projection from the streams', async () => {
    const before = {
      list: await store.list({ limit: 500, offset: 0 }, clock()),
      counts: await store.counts(clock()),
      malformed: await malformedEvents(),
      steps: await count('saga_steps'),
    };
    const started = await running.projector.rebuild();
    expect(started).toMatchObject({ state: 'running', total: published + 2 });
    await until(
      async () => (await running.projector.status()).rebuild?.state === 'done',
      'the rebuild to finish',
    );
    const clockNow = clock();
    const after = {
      list: await store.list({ limit: 500, offset: 0 }, clockNow),
      counts: await store.counts(clockNow),
      malformed: await malformedEvents(),
      steps: await count('saga_steps'),
    };
    expect(after).toEqual(before);
    expect((await running.projector.status()).rebuild).toMatchObject({
      state: 'done',
      remaining: 0,
      finishedAt: expect.any(String),
    });
  });

  it('finishes a rebuild that a backend restart interrupted, folding each saga once at the end', async () => {
    const before = {
      list: await store.list({ limit: 500, offset: 0 }, clock()),
      counts: await store.counts(clock()),
      steps: await count('saga_steps'),
    };
    await running.stop();
    // The replay's transactions wait for the gate: the backend stops while one is open.
    let release: () => void = () => undefined;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    let applying = false;
    running = startProjector({
      ...slowStore(store, 0),
      apply: async deliveries => {
        applying = true;
        await gate;
        return store.apply(deliveries);
      },
    });
    await until(
      async () => (await running.projector.status()).state === 'running',
      'the projector to run',
    );
    expect(await running.projector.rebuild()).toMatchObject({
      state: 'running',
      phase: 'replaying',
    });
    await until(async () => applying, 'a transaction of the replay');
    const stopped = running.stop();
    release();
    await stopped;
    // Stopped while replaying (the batches it had pulled are applied, whatever remains
    // stays in the consumers): steps, and no saga folded yet.
    expect(await store.rebuildState()).toMatchObject({ phase: 'replaying' });
    expect(await count('saga_steps')).toBeGreaterThan(0);
    expect(await count('saga_instances')).toBe(0);

    running = startProjector(store);
    await until(
      async () => (await running.projector.status()).rebuild?.state === 'done',
      'the resumed rebuild to finish',
    );
    const status = (await running.projector.status()).rebuild!;
    expect(status).toMatchObject({ phase: 'folding', remaining: 0 });
    expect(status.folding?.folded).toBe(before.counts.total);
    expect(await store.rebuildState()).toBeUndefined();
    const clockNow = clock();
    expect({
      list: await store.list({ limit: 500, offset: 0 }, clockNow),
      counts: await store.counts(clockNow),
      steps: await count('saga_steps'),
    }).toEqual(before);
  });

  it('projects a recreated stream from its start, though its sequences start again', async () => {
    await fixtures.jsm.streams.delete('CATALOG_EVENTS');
    await fixtures.jsm.streams.add({
      name: 'CATALOG_EVENTS',
      subjects: ['catalog.>'],
    });
    // r-0's draft exists; its catalog event lands on sequence 1 of the new stream
    await publishSagas('r', 1);
    await until(
      async () => (await store.get('r-0', clock()))?.state === 'completed',
      'the saga on the recreated stream',
    );
    const saga = await store.get('r-0', clock());
    expect(
      saga?.steps.find(s => s.step === 'course-version-published'),
    ).toMatchObject({
      stream: 'CATALOG_EVENTS',
      seq: 1,
    });
  });

  it('applies the batches that come while a transaction is open together, each with its own outcomes', async () => {
    await running.stop();
    // Every transaction takes 300 ms: the other consumers' batches come meanwhile.
    const transactions: Array<Set<string>> = [];
    const slow = slowStore(store, 300, deliveries =>
      transactions.push(new Set(deliveries.map(d => d.subject))),
    );
    running = startProjector(slow);
    const before = await count('saga_steps');
    logger.warn.mockClear();
    await fixtures.publish('content.play_package.built.v1', '{"publishId":');
    await publishSagas('g', 8);
    await projected();

    expect(transactions.some(subjects => subjects.size > 1)).toBe(true);
    // the malformed event's outcome went back to its own batch
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        '1 malformed event(s) on content.play_package.built.v1',
      ),
    );
    expect(await count('saga_steps')).toBe(before + 2 * (3 + 1 + 3 + 2));
    expect(await store.get('g-0', clock())).toMatchObject({
      state: 'completed',
    });
    expect(await store.get('g-2', clock())).toMatchObject({
      state: 'compensated',
    });
    expect(await store.get('g-3', clock())).toMatchObject({
      state: 'running',
      currentStep: 'built',
    });
  });
});
