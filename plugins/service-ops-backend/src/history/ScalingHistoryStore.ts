import { Knex } from 'knex';
import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ScalingSample } from '@internal/backstage-plugin-service-ops-common';

const TABLE = 'scaling_samples';

const migrationsDir = resolvePackagePath(
  '@internal/backstage-plugin-service-ops-backend',
  'migrations',
);

/** A sample as written: `at` in epoch ms, plus the namespace. */
export interface ScalingRow extends Omit<ScalingSample, 'at'> {
  at: number;
  namespace: string;
}

/**
 * Replica counts and metric values over time, in the plugin's database (SQLite or Postgres,
 * through the Backstage database service), with retention.
 */
export class ScalingHistoryStore {
  static async create(database: DatabaseService): Promise<ScalingHistoryStore> {
    const knex = await database.getClient();
    if (!database.migrations?.skip) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new ScalingHistoryStore(knex);
  }

  constructor(private readonly knex: Knex) {}

  async insert(rows: ScalingRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.knex.batchInsert(
      TABLE,
      rows.map(r => ({
        at: r.at,
        cluster: r.cluster,
        namespace: r.namespace,
        container: r.container,
        desired: r.desired,
        ready: r.ready,
        min: r.min ?? null,
        max: r.max ?? null,
        metrics: JSON.stringify(r.metrics),
      })),
      500,
    );
  }

  /**
   * The samples of the containers in [from, to], oldest first, thinned to at most
   * `maxPerSeries` per container and cluster (the last sample of each time bucket), so that a
   * day of 15-second samples still draws quickly.
   */
  async query(options: {
    containers: string[];
    clusters?: string[];
    from: number;
    to: number;
    maxPerSeries?: number;
  }): Promise<ScalingSample[]> {
    if (options.containers.length === 0) return [];
    let query = this.knex(TABLE)
      .whereIn('container', options.containers)
      .andWhere('at', '>=', options.from)
      .andWhere('at', '<=', options.to);
    if (options.clusters?.length)
      query = query.whereIn('cluster', options.clusters);
    const rows: any[] = await query.orderBy([
      { column: 'at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    const bucketMs = Math.max(
      1,
      (options.to - options.from) / (options.maxPerSeries ?? 360),
    );
    const kept = new Map<string, any>();
    for (const row of rows) {
      const bucket = Math.floor((Number(row.at) - options.from) / bucketMs);
      kept.set(`${row.container}/${row.cluster}/${bucket}`, row);
    }
    return [...kept.values()]
      .sort(
        (a, b) => Number(a.at) - Number(b.at) || Number(a.id) - Number(b.id),
      )
      .map(row => ({
        at: new Date(Number(row.at)).toISOString(),
        cluster: row.cluster,
        container: row.container,
        desired: row.desired,
        ready: row.ready,
        ...(row.min !== null ? { min: row.min } : {}),
        ...(row.max !== null ? { max: row.max } : {}),
        metrics: JSON.parse(row.metrics),
      }));
  }

  /** Deletes samples older than `before` (epoch ms); returns how many. */
  async prune(before: number): Promise<number> {
    return this.knex(TABLE).where('at', '<', before).delete();
  }
}
