import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { ScalingHistoryStore, ScalingRow } from './ScalingHistoryStore';

jest.setTimeout(60_000);

// SQLite always; PostgreSQL where scripts/postgres.sh provided one (make test does).
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15'],
});

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 10, 22, 12, 0, 0);

const row = (at: number, overrides: Partial<ScalingRow> = {}): ScalingRow => ({
  at,
  cluster: 'us',
  namespace: 'authoring',
  container: 'authoring-api',
  desired: 3,
  ready: 3,
  min: 3,
  max: 30,
  metrics: { cpu: 42, active_editors: 12.5 },
  ...overrides,
});

async function createStore(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const database: DatabaseService = { getClient: async () => knex };
  return { knex, store: await ScalingHistoryStore.create(database) };
}

describe.each(databases.eachSupportedId())('ScalingHistoryStore on %s', id => {
  it('returns the samples of the asked containers and clusters in the window, oldest first', async () => {
    const { store } = await createStore(id);
    await store.insert([
      row(T0 - 2 * HOUR, { desired: 1 }),
      row(T0 - 30 * 60_000, { desired: 4 }),
      row(T0 - 10 * 60_000, { desired: 5, cluster: 'eu' }),
      row(T0 - 5 * 60_000, {
        desired: 6,
        container: 'content-api',
        namespace: 'content',
      }),
      row(T0, { desired: 7, min: undefined, max: undefined, metrics: {} }),
    ]);
    const samples = await store.query({
      containers: ['authoring-api'],
      from: T0 - HOUR,
      to: T0,
    });
    expect(samples).toEqual([
      {
        at: new Date(T0 - 30 * 60_000).toISOString(),
        cluster: 'us',
        container: 'authoring-api',
        desired: 4,
        ready: 3,
        min: 3,
        max: 30,
        metrics: { cpu: 42, active_editors: 12.5 },
      },
      expect.objectContaining({ cluster: 'eu', desired: 5 }),
      {
        at: new Date(T0).toISOString(),
        cluster: 'us',
        container: 'authoring-api',
        desired: 7,
        ready: 3,
        metrics: {},
      },
    ]);
    const us = await store.query({
      containers: ['authoring-api'],
      clusters: ['us'],
      from: T0 - HOUR,
      to: T0,
    });
    expect(us.map(s => s.desired)).toEqual([4, 7]);
    expect(await store.query({ containers: [], from: 0, to: T0 })).toEqual([]);
  });

  it('thins a long series to the last sample per time bucket', async () => {
    const { store } = await createStore(id);
    // one sample every 15 s for an hour: 240 samples
    await store.insert(
      Array.from({ length: 240 }, (_, i) =>
        row(T0 - HOUR + i * 15_000, { desired: i }),
      ),
    );
    const samples = await store.query({
      containers: ['authoring-api'],
      from: T0 - HOUR,
      to: T0,
      maxPerSeries: 60,
    });
    expect(samples).toHaveLength(60);
    // each minute keeps its last sample: 3, 7, 11, …
    expect(samples.slice(0, 3).map(s => s.desired)).toEqual([3, 7, 11]);
    expect(samples.at(-1)!.desired).toBe(239);
  });

  it('prunes samples older than the retention', async () => {
    const { store, knex } = await createStore(id);
    await store.insert([
      row(T0 - 8 * 24 * HOUR),
      row(T0 - 6 * 24 * HOUR),
      row(T0),
    ]);
    expect(await store.prune(T0 - 7 * 24 * HOUR)).toBe(1);
    const [{ count }] = await knex('scaling_samples').count({ count: '*' });
    expect(Number(count)).toBe(2);
  });
});
