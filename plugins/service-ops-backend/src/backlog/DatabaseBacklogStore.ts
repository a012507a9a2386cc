import { Knex } from 'knex';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  ConsumerHistoryPoint,
  PoisonMessage,
  StreamHistoryPoint,
} from '@internal/backstage-plugin-service-ops-common';
import { migrate } from './migrate';

const SAMPLES = 'backlog_samples';
const POISON = 'backlog_poison';

/** A stream's figures at one instant (`at` in epoch ms). */
export interface StreamSample {
  at: number;
  stream: string;
  region?: string;
  messages: number;
  bytes: number;
}

/** A consumer's figures at one instant (`at` in epoch ms). */
export interface ConsumerSample {
  at: number;
  stream: string;
  region?: string;
  consumer: string;
  pending: number;
  ackPending: number;
  redelivered: number;
}

/** A poison message as stored; `at` in epoch ms. */
export interface PoisonRecord extends Omit<PoisonMessage, 'at'> {
  at: number;
}

interface SampleRow {
  id: number | string;
  at: number | string;
  stream: string;
  consumer: string | null;
  messages: number | string | null;
  bytes: number | string | null;
  pending: number | string | null;
  ack_pending: number | string | null;
  redelivered: number | string | null;
}

interface PoisonRow {
  kind: PoisonMessage['kind'];
  stream: string;
  consumer: string;
  stream_seq: number | string;
  deliveries: number;
  at: number | string;
  reason: string | null;
  subject: string | null;
  excerpt: string | null;
}

/** A stream and one of its consumers. */
export interface ConsumerKey {
  stream: string;
  consumer: string;
}

/** The sampled points of streams and consumers, keyed `<stream>` and `<stream>/<consumer>`. */
export interface SampledHistory {
  streams: Map<string, StreamHistoryPoint[]>;
  consumers: Map<string, ConsumerHistoryPoint[]>;
}

const consumerKey = (k: ConsumerKey) => `${k.stream}/${k.consumer}`;
const num = (value: number | string | null) => Number(value ?? 0);

/**
 * JetStream backlog samples and poison messages in the plugin's database (SQLite or
 * PostgreSQL), with retention.
 */
export class DatabaseBacklogStore {
  static async create(
    database: DatabaseService,
  ): Promise<DatabaseBacklogStore> {
    return new DatabaseBacklogStore(await migrate(database));
  }

  private constructor(private readonly knex: Knex) {}

  async insertSamples(options: {
    streams: StreamSample[];
    consumers: ConsumerSample[];
  }): Promise<void> {
    const empty = {
      consumer: null,
      messages: null,
      bytes: null,
      pending: null,
      ack_pending: null,
      redelivered: null,
    };
    const rows: Array<Omit<SampleRow, 'id'> & { region: string | null }> = [
      ...options.streams.map(s => ({
        ...empty,
        at: s.at,
        stream: s.stream,
        region: s.region ?? null,
        messages: s.messages,
        bytes: s.bytes,
      })),
      ...options.consumers.map(c => ({
        ...empty,
        at: c.at,
        stream: c.stream,
        region: c.region ?? null,
        consumer: c.consumer,
        pending: c.pending,
        ack_pending: c.ackPending,
        redelivered: c.redelivered,
      })),
    ];
    if (rows.length) await this.knex.batchInsert(SAMPLES, rows, 500);
  }

  /**
   * The samples of the streams and consumers in [from, to], oldest first, thinned in the
   * database to the last sample of each of at most `maxPoints` equal time buckets per
   * series.
   */
  async history(options: {
    streams: string[];
    consumers: ConsumerKey[];
    from: number;
    to: number;
    maxPoints: number;
  }): Promise<SampledHistory> {
    const result: SampledHistory = { streams: new Map(), consumers: new Map() };
    const names = [
      ...new Set([...options.streams, ...options.consumers.map(c => c.stream)]),
    ];
    if (names.length === 0) return result;
    const bucketMs = Math.max(
      1,
      Math.ceil((options.to - options.from + 1) / options.maxPoints),
    );
    const lastOfBucket = this.knex(SAMPLES)
      .max('id')
      .whereIn('stream', names)
      .andWhereBetween('at', [options.from, options.to])
      .groupBy(
        'stream',
        'consumer',
        this.knex.raw('cast((?? - ?) / ? as integer)', [
          'at',
          options.from,
          bucketMs,
        ]),
      );
    const rows: SampleRow[] = await this.knex(SAMPLES)
      .whereIn('id', lastOfBucket)
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    const wantedStreams = new Set(options.streams);
    const wantedConsumers = new Set(options.consumers.map(consumerKey));
    for (const row of rows)
      this.addPoint(result, row, wantedStreams, wantedConsumers);
    return result;
  }

  private addPoint(
    result: SampledHistory,
    row: SampleRow,
    wantedStreams: Set<string>,
    wantedConsumers: Set<string>,
  ): void {
    const at = new Date(Number(row.at)).toISOString();
    if (row.consumer === null) {
      if (!wantedStreams.has(row.stream)) return;
      const points = result.streams.get(row.stream) ?? [];
      points.push({ at, messages: num(row.messages), bytes: num(row.bytes) });
      result.streams.set(row.stream, points);
      return;
    }
    const key = consumerKey({ stream: row.stream, consumer: row.consumer });
    if (!wantedConsumers.has(key)) return;
    const points = result.consumers.get(key) ?? [];
    const pending = num(row.pending);
    const ackPending = num(row.ack_pending);
    points.push({
      at,
      pending,
      ackPending,
      redelivered: num(row.redelivered),
      backlog: pending + ackPending,
    });
    result.consumers.set(key, points);
  }

  /** Stores a poison message once (a repeated advisory is ignored); `true` when new. */
  async insertPoison(record: PoisonRecord): Promise<boolean> {
    const inserted = await this.knex(POISON)
      .insert({
        kind: record.kind,
        stream: record.stream,
        consumer: record.consumer,
        stream_seq: record.streamSeq,
        deliveries: record.deliveries,
        at: record.at,
        reason: record.reason ?? null,
        subject: record.subject ?? null,
        excerpt: record.excerpt ?? null,
      })
      .onConflict(['kind', 'stream', 'consumer', 'stream_seq'])
      .ignore()
      .returning('id');
    return inserted.length > 0;
  }

  /** The poison messages of the consumers, newest first. */
  async listPoison(options: {
    consumers: ConsumerKey[];
    limit: number;
  }): Promise<PoisonMessage[]> {
    if (options.consumers.length === 0) return [];
    const rows: PoisonRow[] = await this.knex(POISON)
      .where(builder => {
        for (const { stream, consumer } of options.consumers)
          builder.orWhere({ stream, consumer });
      })
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return rows.map(row => ({
      kind: row.kind,
      stream: row.stream,
      consumer: row.consumer,
      streamSeq: Number(row.stream_seq),
      deliveries: row.deliveries,
      at: new Date(Number(row.at)).toISOString(),
      ...(row.reason ? { reason: row.reason } : {}),
      ...(row.subject ? { subject: row.subject } : {}),
      ...(row.excerpt ? { excerpt: row.excerpt } : {}),
    }));
  }

  /** Deletes samples and poison messages older than `before` (epoch ms); returns how many. */
  async prune(before: number): Promise<number> {
    const samples = await this.knex(SAMPLES).where('at', '<', before).delete();
    const poison = await this.knex(POISON).where('at', '<', before).delete();
    return samples + poison;
  }
}
