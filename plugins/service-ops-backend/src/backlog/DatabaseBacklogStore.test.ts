import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { DatabaseBacklogStore } from './DatabaseBacklogStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15'],
});

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const STREAM = 'content-builder-queue-depth-eu';
const CONSUMER = 'content-builder-worker';

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const database: DatabaseService = { getClient: async () => knex };
  return { knex, store: await DatabaseBacklogStore.create(database) };
}

/** A day of 10-second samples of the stream and its consumer: 8640 each. */
async function sampleADay(store: DatabaseBacklogStore) {
  const at = (i: number) => T0 - 24 * HOUR + i * 10_000;
  const n = 8640;
  await store.insertSamples({
    streams: Array.from({ length: n }, (_, i) => ({
      at: at(i + 1),
      stream: STREAM,
      region: 'eu',
      messages: i,
      bytes: i * 100,
    })),
    consumers: Array.from({ length: n }, (_, i) => ({
      at: at(i + 1),
      stream: STREAM,
      region: 'eu',
      consumer: CONSUMER,
      pending: i,
      ackPending: 2,
      redelivered: 1,
    })),
  });
}

describe.each(databases.eachSupportedId())('DatabaseBacklogStore on %s', id => {
  it('thins a day and an hour of 10-second samples to at most 360 points per series', async () => {
    const { store } = await createStore(id);
    await sampleADay(store);
    const query = (window: number) =>
      store.history({
        streams: [STREAM],
        consumers: [{ stream: STREAM, consumer: CONSUMER }],
        from: T0 - window,
        to: T0,
        maxPoints: 360,
      });
    const day = await query(24 * HOUR);
    const stream = day.streams.get(STREAM)!;
    const consumer = day.consumers.get(`${STREAM}/${CONSUMER}`)!;
    expect(stream.length).toBeLessThanOrEqual(360);
    expect(stream.length).toBeGreaterThan(350);
    expect(consumer).toHaveLength(stream.length);
    // the last sample of the day is kept, with its figures
    expect(stream.at(-1)).toEqual({
      at: new Date(T0).toISOString(),
      messages: 8639,
      bytes: 863900,
    });
    expect(consumer.at(-1)).toEqual({
      at: new Date(T0).toISOString(),
      pending: 8639,
      ackPending: 2,
      redelivered: 1,
      backlog: 8641,
    });
    const times = stream.map(p => Date.parse(p.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const hour = await query(HOUR);
    expect(hour.streams.get(STREAM)!.length).toBe(360);
    expect(hour.streams.get(STREAM)![0].at).toBe(
      new Date(T0 - HOUR + 10_000).toISOString(),
    );
  });

  it('answers only the asked series', async () => {
    const { store } = await createStore(id);
    await store.insertSamples({
      streams: [{ at: T0, stream: 'other', messages: 1, bytes: 1 }],
      consumers: [
        {
          at: T0,
          stream: STREAM,
          consumer: 'other-worker',
          pending: 1,
          ackPending: 0,
          redelivered: 0,
        },
      ],
    });
    const result = await store.history({
      streams: [STREAM],
      consumers: [{ stream: STREAM, consumer: CONSUMER }],
      from: T0 - HOUR,
      to: T0,
      maxPoints: 360,
    });
    expect([...result.streams.keys(), ...result.consumers.keys()]).toEqual([]);
  });

  it('stores a poison message once and lists the asked consumers newest first', async () => {
    const { store } = await createStore(id);
    const poison = {
      kind: 'max-deliveries' as const,
      stream: STREAM,
      consumer: CONSUMER,
      streamSeq: 12,
      deliveries: 5,
      at: T0,
      subject: 'work.eu.content-builder-queue-depth',
      excerpt: '{"id":',
    };
    expect(await store.insertPoison(poison)).toBe(true);
    expect(await store.insertPoison(poison)).toBe(false);
    await store.insertPoison({
      ...poison,
      kind: 'terminated',
      streamSeq: 13,
      deliveries: 1,
      at: T0 + 1,
      reason: 'bad',
    });
    await store.insertPoison({
      ...poison,
      consumer: 'someone-else',
      streamSeq: 14,
    });
    const items = await store.listPoison({
      consumers: [{ stream: STREAM, consumer: CONSUMER }],
      limit: 10,
    });
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'terminated',
        streamSeq: 13,
        reason: 'bad',
      }),
      {
        kind: 'max-deliveries',
        stream: STREAM,
        consumer: CONSUMER,
        streamSeq: 12,
        deliveries: 5,
        at: new Date(T0).toISOString(),
        subject: 'work.eu.content-builder-queue-depth',
        excerpt: '{"id":',
      },
    ]);
  });

  it('prunes samples and poison messages older than the retention', async () => {
    const { store } = await createStore(id);
    await store.insertSamples({
      streams: [
        { at: T0 - 8 * 24 * HOUR, stream: STREAM, messages: 1, bytes: 1 },
        { at: T0, stream: STREAM, messages: 2, bytes: 2 },
      ],
      consumers: [],
    });
    await store.insertPoison({
      kind: 'terminated',
      stream: STREAM,
      consumer: CONSUMER,
      streamSeq: 1,
      deliveries: 1,
      at: T0 - 8 * 24 * HOUR,
    });
    expect(await store.prune(T0 - 7 * 24 * HOUR)).toBe(2);
  });
});
