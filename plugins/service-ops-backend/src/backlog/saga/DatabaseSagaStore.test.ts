import knexFactory from 'knex';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  DEFAULT_SAGA_DEADLINES,
  SagaStepName,
} from '@internal/backstage-plugin-service-ops-common';
import { sagaEvent } from '../__testUtils__/jetStreamFixtures';
import { DatabaseSagaStore } from './DatabaseSagaStore';
import { SagaDelivery } from './types';

jest.setTimeout(60_000);

// SQLite always; PostgreSQL where scripts/postgres.sh provided one (make test does).
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15'],
});

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const STREAM_OF: Record<SagaStepName, string> = {
  'draft-published': 'AUTHORING_EVENTS',
  compensated: 'AUTHORING_EVENTS',
  built: 'CONTENT_EVENTS',
  'build-failed': 'CONTENT_EVENTS',
  'course-version-published': 'CATALOG_EVENTS',
};

let seq = 0;
function delivery(
  publishId: string,
  step: SagaStepName,
  at: number,
  region?: string,
): SagaDelivery {
  const event = sagaEvent({
    publishId,
    step,
    occurredAt: new Date(at).toISOString(),
    region,
  });
  seq += 1;
  return { stream: STREAM_OF[step], seq, ...event, receivedAt: at };
}

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const database: DatabaseService = { getClient: async () => knex };
  return { knex, store: await DatabaseSagaStore.create(database) };
}

const clock = (now: number) => ({ now, deadlines: DEFAULT_SAGA_DEADLINES });

describe.each(databases.eachSupportedId())('DatabaseSagaStore on %s', id => {
  it('projects sagas into states; stuck is derived from the deadlines at query time', async () => {
    const { store } = await createStore(id);
    await store.apply([
      // completed
      delivery('done', 'draft-published', T0 - 30 * MIN),
      delivery('done', 'built', T0 - 25 * MIN),
      delivery('done', 'course-version-published', T0 - 24 * MIN),
      // waiting for its build for 20 min (> 15): stuck
      delivery('no-build', 'draft-published', T0 - 20 * MIN, 'us'),
      // built 5 min ago (< 10): running
      delivery('building', 'draft-published', T0 - 8 * MIN, 'us'),
      delivery('building', 'built', T0 - 5 * MIN),
      // failed and compensated
      delivery('undone', 'draft-published', T0 - 9 * MIN),
      delivery('undone', 'build-failed', T0 - 7 * MIN),
      delivery('undone', 'compensated', T0 - 6 * MIN),
    ]);
    const { counts, total, malformed } = await store.counts(clock(T0));
    expect({ counts, total, malformed }).toEqual({
      counts: { running: 1, stuck: 1, completed: 1, failed: 0, compensated: 1 },
      total: 4,
      malformed: 0,
    });
    const stuck = await store.list(
      { state: 'stuck', limit: 10, offset: 0 },
      clock(T0),
    );
    expect(stuck).toEqual({
      totalCount: 1,
      items: [
        {
          id: 'no-build',
          state: 'stuck',
          currentStep: 'draft-published',
          expectedStep: 'built',
          dueAt: new Date(T0 - 5 * MIN).toISOString(),
          overdueSeconds: 300,
          startedAt: new Date(T0 - 20 * MIN).toISOString(),
          updatedAt: new Date(T0 - 20 * MIN).toISOString(),
          region: 'us',
          tenantId: 'tenant-eu-1',
          courseId: 'course-no-build',
          courseVersion: '3',
          draftId: 'draft-no-build',
        },
      ],
    });
    // 10 minutes later the build is overdue too; the query sees it, nothing was stored
    const later = await store.list(
      { state: 'stuck', limit: 10, offset: 0 },
      clock(T0 + 10 * MIN),
    );
    expect(later.items.map(i => i.id)).toEqual(['building', 'no-build']);
    const running = await store.list(
      { state: 'running', limit: 10, offset: 0 },
      clock(T0),
    );
    expect(running.items.map(i => i.id)).toEqual(['building']);
  });

  it('filters by region and minimum age, pages, newest first', async () => {
    const { store } = await createStore(id);
    await store.apply(
      Array.from({ length: 5 }, (_, i) =>
        delivery(`s${i}`, 'draft-published', T0 - i * MIN, i % 2 ? 'us' : 'eu'),
      ),
    );
    const list = (filter: object) =>
      store
        .list({ limit: 10, offset: 0, ...filter }, clock(T0))
        .then(r => ({ ids: r.items.map(i => i.id), total: r.totalCount }));
    expect(await list({ region: 'eu' })).toEqual({
      ids: ['s0', 's2', 's4'],
      total: 3,
    });
    expect(await list({ minAgeSeconds: 150 })).toEqual({
      ids: ['s3', 's4'],
      total: 2,
    });
    expect(await list({ limit: 2, offset: 1 })).toEqual({
      ids: ['s1', 's2'],
      total: 5,
    });
  });

  it('is idempotent on the stream sequence and counts a repeated event once', async () => {
    const { store, knex } = await createStore(id);
    const draft = delivery('p', 'draft-published', T0 - 2 * MIN);
    const built = delivery('p', 'built', T0 - MIN);
    expect(await store.apply([draft, built])).toEqual([
      'projected',
      'projected',
    ]);
    // a redelivery (same sequence) and the same event published again (new sequence)
    const republished = { ...built, seq: built.seq + 1000 };
    expect(await store.apply([built, republished])).toEqual([
      'already-processed',
      'duplicate-step',
    ]);
    const detail = await store.get('p', clock(T0));
    expect(detail?.steps.map(s => [s.step, s.seq])).toEqual([
      ['draft-published', draft.seq],
      ['built', built.seq],
    ]);
    const [{ count }] = await knex('saga_steps').count({ count: '*' });
    expect(Number(count)).toBe(2);
  });

  it('applies a mixed batch with the outcomes one delivery at a time has, and folds each saga once', async () => {
    const { store, knex } = await createStore(id);
    const other = delivery('other', 'draft-published', T0 - 9 * MIN);
    const draft = delivery('mix', 'draft-published', T0 - 10 * MIN, 'us');
    const built = delivery('mix', 'built', T0 - 8 * MIN);
    const bad: SagaDelivery = {
      stream: 'CONTENT_EVENTS',
      seq: 900_001,
      subject: 'content.play_package.built.v1',
      data: '{"publishId": "mix", "cour',
      receivedAt: T0,
    };
    const batch = [
      draft,
      other, // projected before: already processed
      bad,
      { ...draft, seq: draft.seq + 1000 }, // the same step again, in the same batch
      built, // the saga's second step in the batch
      draft, // its sequence came earlier in the batch
      { ...other, seq: other.seq + 1000 }, // a step projected before, published again
      delivery('other', 'build-failed', T0 - 7 * MIN),
    ];
    const run = async (apply: () => Promise<unknown[]>) => {
      await store.clear();
      await store.apply([other]);
      const outcomes = await apply();
      const malformed = await store.listMalformed({ limit: 10, offset: 0 });
      return {
        outcomes,
        mix: await store.get('mix', clock(T0)),
        other: await store.get('other', clock(T0)),
        counts: await store.counts(clock(T0)),
        malformed: malformed.items.map(m => [m.stream, m.seq]),
        steps: Number((await knex('saga_steps').count({ n: '*' }))[0].n),
      };
    };
    const batched = await run(() => store.apply(batch));
    const oneByOne = await run(async () => {
      const outcomes = [];
      for (const d of batch) outcomes.push(...(await store.apply([d])));
      return outcomes;
    });
    expect(batched).toEqual(oneByOne);
    expect(batched.outcomes).toEqual([
      'projected',
      'already-processed',
      'malformed',
      'duplicate-step',
      'projected',
      'already-processed',
      'duplicate-step',
      'projected',
    ]);
    expect(batched.mix).toEqual({
      id: 'mix',
      state: 'running',
      currentStep: 'built',
      expectedStep: 'course-version-published',
      dueAt: new Date(T0 + 2 * MIN).toISOString(),
      startedAt: new Date(T0 - 10 * MIN).toISOString(),
      updatedAt: new Date(T0 - 8 * MIN).toISOString(),
      region: 'us',
      tenantId: 'tenant-eu-1',
      courseId: 'course-mix',
      courseVersion: '3',
      draftId: 'draft-mix',
      playPackageId: 'pp-mix',
      steps: [
        expect.objectContaining({ step: 'draft-published', seq: draft.seq }),
        expect.objectContaining({ step: 'built', seq: built.seq }),
      ],
    });
    expect(batched.other).toMatchObject({
      state: 'failed',
      currentStep: 'build-failed',
      failureReason: 'asset missing',
      steps: [
        expect.objectContaining({ step: 'draft-published', seq: other.seq }),
        expect.objectContaining({ step: 'build-failed' }),
      ],
    });
    expect(batched.malformed).toEqual([['CONTENT_EVENTS', 900_001]]);
    // the first apply's one step, then the batch's new ones
    expect(batched.steps).toBe(4);
    // Redelivered, each message has the outcome of a redelivery: a duplicate step stays one.
    expect(await store.apply(batch)).toEqual([
      'already-processed',
      'already-processed',
      'already-processed',
      'duplicate-step',
      'already-processed',
      'already-processed',
      'duplicate-step',
      'already-processed',
    ]);
    expect(await store.get('mix', clock(T0))).toEqual(batched.mix);
    expect(Number((await knex('saga_steps').count({ n: '*' }))[0].n)).toBe(4);
  });

  it('applies a large batch in one go', async () => {
    const { store, knex } = await createStore(id);
    const sagas = 700;
    const batch = Array.from({ length: sagas }, (_, i) => [
      delivery(`big-${i}`, 'draft-published', T0 - 3 * MIN),
      delivery(`big-${i}`, 'built', T0 - 2 * MIN),
    ]).flat();
    const outcomes = await store.apply(batch);
    expect(outcomes.every(o => o === 'projected')).toBe(true);
    expect((await store.counts(clock(T0))).counts.running).toBe(sagas);
    expect(Number((await knex('saga_steps').count({ n: '*' }))[0].n)).toBe(
      2 * sagas,
    );
    expect(await store.apply(batch.slice(0, 600))).toEqual(
      Array(600).fill('already-processed'),
    );
  });

  it('folds every step when transactions on several connections apply steps of the same sagas at once', async () => {
    const { knex } = await createStore(id);
    // Three stores, as three backends would have: on PostgreSQL, pools of their own.
    const pools =
      knex.client.config.client === 'pg'
        ? [0, 1, 2].map(() =>
            knexFactory({
              client: 'pg',
              connection: knex.client.config.connection,
              pool: { min: 0, max: 2 },
            }),
          )
        : [knex, knex, knex];
    try {
      const stores = await Promise.all(
        pools.map(pool =>
          DatabaseSagaStore.create({ getClient: async () => pool }),
        ),
      );
      const sagas = 300;
      const steps: SagaStepName[] = [
        'draft-published',
        'built',
        'course-version-published',
      ];
      const batches = steps.map((step, s) =>
        Array.from({ length: sagas }, (_, i) =>
          delivery(`race-${i}`, step, T0 - (3 - s) * MIN),
        ),
      );
      for (let round = 0; round < 3; round++) {
        // each round: the three steps of 100 sagas, one step per store, at once
        const slice = (b: SagaDelivery[]) =>
          b.slice(round * 100, round * 100 + 100);
        await Promise.all(
          stores.map((store, s) => store.apply(slice(batches[s]))),
        );
      }
      const { counts } = await stores[0].counts(clock(T0));
      expect(counts.completed).toBe(sagas);
      expect(counts.running).toBe(0);

      // The same messages, and other messages of the same steps, to all three at once in
      // different orders (a redelivery to several backends): no deadlock, each step once.
      const again = batches.flat().slice(0, 300);
      const republished = again.map(d => ({ ...d, seq: d.seq + 100_000 }));
      const orders = [
        [...again, ...republished],
        [...republished].reverse().concat([...again].reverse()),
        [...again.slice(150), ...republished, ...again.slice(0, 150)],
      ];
      const outcomes = await Promise.all(
        stores.map((store, s) => store.apply(orders[s])),
      );
      for (const each of outcomes)
        expect(new Set(each)).toEqual(
          new Set(['already-processed', 'duplicate-step']),
        );
      expect(Number((await knex('saga_steps').count({ n: '*' }))[0].n)).toBe(
        3 * sagas,
      );
      expect((await stores[0].counts(clock(T0))).counts.completed).toBe(sagas);
    } finally {
      if (pools[0] !== knex) await Promise.all(pools.map(p => p.destroy()));
    }
  });

  it('during a rebuild stores steps only, then folds every saga once, resuming an interrupted folding', async () => {
    const knex = await databases.init(id);
    const store = await DatabaseSagaStore.create(
      { getClient: async () => knex },
      { foldChunk: 1000 },
    );
    const sagas = 2100; // three folding chunks
    const events = Array.from({ length: sagas }, (_, i) => [
      delivery(`rb-${i}`, 'draft-published', T0 - 3 * MIN, 'eu'),
      ...(i % 2 ? [delivery(`rb-${i}`, 'built', T0 - 2 * MIN)] : []),
    ]).flat();
    // The same events projected as usual, for comparison.
    await store.apply(events);
    const expected = {
      counts: await store.counts(clock(T0)),
      odd: await store.get('rb-1', clock(T0)),
      even: await store.get('rb-2', clock(T0)),
    };
    expect(expected.counts.counts.running).toBe(sagas);

    await store.clear({ rebuild: { startedAt: T0 } });
    expect(await store.rebuildState()).toEqual({
      phase: 'replaying',
      startedAt: T0,
    });
    expect(await store.apply(events)).toEqual(events.map(() => 'projected'));
    // A redelivery, and the same step again under a new sequence, while replaying.
    expect(
      await store.apply([events[0], { ...events[1], seq: events[1].seq + 1 }]),
    ).toEqual(['already-processed', 'duplicate-step']);
    expect((await store.counts(clock(T0))).total).toBe(0);

    // The folding fails after its first chunk: the phase stays, and a new step meanwhile
    // is folded as it comes.
    await expect(
      store.finishRebuild({
        onProgress: () => {
          throw new Error('the database went away');
        },
      }),
    ).rejects.toThrow('the database went away');
    expect(await store.rebuildState()).toMatchObject({ phase: 'folding' });
    expect(
      await store.apply([delivery('rb-new', 'draft-published', T0 - MIN)]),
    ).toEqual(['projected']);
    expect((await store.get('rb-new', clock(T0)))?.state).toBe('running');

    const progress: Array<[number, number]> = [];
    // Asked to stop before a chunk: it returns unfinished, the phase stays.
    expect(await store.finishRebuild({ stopped: () => true })).toEqual({
      folded: 0,
      finished: false,
    });
    expect(await store.rebuildState()).toMatchObject({ phase: 'folding' });
    expect(
      await store.finishRebuild({
        onProgress: (folded, total) => progress.push([folded, total]),
      }),
    ).toEqual({ folded: sagas + 1, finished: true });
    // Three chunks (two at once on PostgreSQL), counted as each commits.
    expect(progress.map(([folded]) => folded).sort((a, b) => a - b)).toEqual(
      progress.map(([folded]) => folded),
    );
    expect(progress).toHaveLength(3);
    expect(progress[2]).toEqual([sagas + 1, sagas + 1]);
    expect(await store.rebuildState()).toBeUndefined();
    const counts = await store.counts(clock(T0));
    expect(counts.counts).toEqual({
      ...expected.counts.counts,
      running: sagas + 1,
    });
    expect(await store.get('rb-1', clock(T0))).toEqual(expected.odd);
    expect(await store.get('rb-2', clock(T0))).toEqual(expected.even);
    // Without a rebuild there is nothing to finish.
    expect(await store.finishRebuild()).toEqual({ folded: 0, finished: true });
  });

  it('projects the same saga whatever order its events come in', async () => {
    const { store } = await createStore(id);
    const events = [
      delivery('o', 'draft-published', T0 - 3 * MIN, 'me'),
      delivery('o', 'built', T0 - 2 * MIN),
      delivery('o', 'course-version-published', T0 - MIN),
    ];
    await store.apply([...events].reverse());
    const reversed = await store.get('o', clock(T0));
    await store.clear();
    for (const event of events) await store.apply([event]);
    expect(await store.get('o', clock(T0))).toEqual(reversed);
    expect(reversed).toMatchObject({
      state: 'completed',
      region: 'me',
      playPackageId: 'pp-o',
      startedAt: new Date(T0 - 3 * MIN).toISOString(),
    });
  });

  it('stores malformed events with their reason, once, and lists them', async () => {
    const { store } = await createStore(id);
    const bad = {
      stream: 'CATALOG_EVENTS',
      seq: 7,
      subject: 'catalog.course_version.published.v1',
      data: '{"publishId": "p1", "courseId"',
      receivedAt: T0,
    };
    expect(await store.apply([bad])).toEqual(['malformed']);
    expect(await store.apply([bad])).toEqual(['already-processed']);
    expect(await store.listMalformed({ limit: 10, offset: 0 })).toEqual({
      totalCount: 1,
      items: [
        {
          stream: 'CATALOG_EVENTS',
          seq: 7,
          subject: 'catalog.course_version.published.v1',
          reason: expect.stringMatching(/^not JSON: /),
          excerpt: bad.data,
          receivedAt: new Date(T0).toISOString(),
        },
      ],
    });
    expect((await store.counts(clock(T0))).malformed).toBe(1);
  });

  it('forgets the sequences of a stream that was recreated, not of the others', async () => {
    const { store } = await createStore(id);
    const first = {
      stream: 'AUTHORING_EVENTS',
      created: '2026-11-23T10:00:00Z',
    };
    expect(await store.checkStream(first)).toBe('new');
    expect(await store.checkStream(first)).toBe('same');
    const draft = delivery('r', 'draft-published', T0 - MIN);
    await store.apply([draft]);
    expect(await store.apply([draft])).toEqual(['already-processed']);
    expect(
      await store.checkStream({ ...first, created: '2026-11-23T11:00:00Z' }),
    ).toBe('recreated');
    // seq reused by the new stream for another saga
    const reused = { ...delivery('r2', 'draft-published', T0), seq: draft.seq };
    expect(await store.apply([reused])).toEqual(['projected']);
  });

  it('forgets the malformed messages of a recreated stream, not those of the others', async () => {
    const { store } = await createStore(id);
    const created = '2026-11-23T10:00:00Z';
    const bad = (stream: string, data: string) => ({
      stream,
      seq: 5,
      subject: 'authoring.course_draft.published.v1',
      data,
      receivedAt: T0,
    });
    for (const stream of ['AUTHORING_EVENTS', 'CONTENT_EVENTS']) {
      await store.checkStream({ stream, created });
      expect(await store.apply([bad(stream, 'old')])).toEqual(['malformed']);
    }
    expect(
      await store.checkStream({
        stream: 'AUTHORING_EVENTS',
        created: '2026-11-23T11:00:00Z',
      }),
    ).toBe('recreated');
    expect(
      await store.apply([
        bad('AUTHORING_EVENTS', 'new'),
        bad('CONTENT_EVENTS', 'old'),
      ]),
    ).toEqual(['malformed', 'already-processed']);
    const { items } = await store.listMalformed({ limit: 10, offset: 0 });
    expect(items.map(m => [m.stream, m.excerpt]).sort()).toEqual([
      ['AUTHORING_EVENTS', 'new'],
      ['CONTENT_EVENTS', 'old'],
    ]);
  });

  it('records a stream once when its consumers check it at the same time', async () => {
    const { store } = await createStore(id);
    const identity = {
      stream: 'CONTENT_EVENTS',
      created: '2026-11-23T10:00:00Z',
    };
    const seen = await Promise.all([
      store.checkStream(identity),
      store.checkStream(identity),
      store.checkStream(identity),
    ]);
    expect(seen.sort()).toEqual(['new', 'same', 'same']);
  });

  it('empties the projection on clear and projects again from nothing', async () => {
    const { store, knex } = await createStore(id);
    const draft = delivery('c', 'draft-published', T0);
    await store.checkStream({ stream: draft.stream, created: 'x' });
    await store.apply([draft, { ...draft, seq: 1, data: 'not json' }]);
    await store.clear();
    for (const table of [
      'saga_instances',
      'saga_steps',
      'saga_malformed',
      'saga_streams',
    ])
      expect(Number((await knex(table).count({ n: '*' }))[0].n)).toBe(0);
    expect(await store.apply([draft])).toEqual(['projected']);
  });
});
