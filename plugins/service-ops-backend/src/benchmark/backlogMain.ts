/*
 * The backlog benchmark (issue 5, performance): the publish-saga projection and the
 * backlog sampling, against a real nats-server and real databases, in one run.
 *
 *   yarn workspace @internal/backstage-plugin-service-ops-backend benchmark:backlog [--events 100000]
 *
 * (a) P4 projection throughput into SQLite and into PostgreSQL, (b) the rebuild of
 * 1,000,000 saga events on PostgreSQL, (c) the cost of sampling 200 consumers every 10 s;
 * printed, and written to docs/benchmarks.md (its own section only).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { Knex } from 'knex';
import { AckPolicy, StorageType } from '@nats-io/jetstream';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import {
  DatabaseService,
  LifecycleService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_SAGA_DEADLINES,
  SAGA_STEPS,
  SAGA_SUBJECTS,
  SagaStepName,
} from '@internal/backstage-plugin-service-ops-common';
import { BacklogSampler } from '../backlog/BacklogSampler';
import { DatabaseBacklogStore } from '../backlog/DatabaseBacklogStore';
import { JetStreamBacklogReader } from '../backlog/JetStreamBacklogReader';
import { JetStreamConnection } from '../backlog/JetStreamConnection';
import { ConfiguredStream } from '../backlog/types';
// eslint-disable-next-line @backstage/no-undeclared-imports -- benchmark only, run from source: the tests' nats-server
import { startNatsServer, TestNatsServer } from '@internal/sandbox-nats';
/* eslint-disable no-restricted-imports -- benchmark only, run from source: the tests' saga events */
import {
  EVENT_STREAMS,
  JetStreamFixtures,
  sagaEvent,
} from '../backlog/__testUtils__/jetStreamFixtures';
/* eslint-enable no-restricted-imports */
import {
  DatabaseSagaStore,
  SagaClock,
} from '../backlog/saga/DatabaseSagaStore';
import {
  JetStreamSagaProjector,
  SAGA_PROJECTOR_BATCHING,
} from '../backlog/saga/JetStreamSagaProjector';
import {
  SagaApplyOutcome,
  SagaDelivery,
  SagaProjectionStore,
  StreamIdentity,
} from '../backlog/saga/types';
import {
  cpuBreakdown,
  CpuBreakdown,
  FrameMatcher,
  profileCpu,
} from './cpuProfile';
import { replaceSection } from './replaceSection';
import { percentile } from './stats';

const SECTION =
  'Backlog and publish sagas (issue 5): P4 projection and sampling';
// eslint-disable-next-line no-restricted-syntax -- run from source only, never built
const ROOT = path.resolve(__dirname, '../../../..');
/** The saga's happy path: one event on each of the three subjects, on their streams. */
const PLAN: SagaStepName[] = [
  'draft-published',
  'built',
  'course-version-published',
];
const PUBLISH_WINDOW = 1000;

const { values: args } = parseArgs({
  options: {
    /** Events per throughput run (a). */
    events: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '3' },
    /** Events in the streams for the rebuild (b). */
    'rebuild-events': { type: 'string', default: '1000000' },
    'rebuild-goal-seconds': { type: 'string', default: '60' },
    /** Consumers sampled (c), spread over `--sample-streams` streams. */
    consumers: { type: 'string', default: '200' },
    'sample-streams': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '6' },
    'interval-seconds': { type: 'string', default: '10' },
    doc: { type: 'string', default: path.join(ROOT, 'docs/benchmarks.md') },
    'no-doc': { type: 'boolean', default: false },
    /** Where to save the CPU profile of the first projection (for DevTools). */
    'cpu-profile': { type: 'string' },
  },
});

function count(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`--${name} must be a positive number, got '${args[name]}'`);
  return value;
}

const bench = {
  events: count('events'),
  repeat: count('repeat'),
  rebuildEvents: count('rebuild-events'),
  rebuildGoalSeconds: count('rebuild-goal-seconds'),
  consumers: count('consumers'),
  sampleStreams: count('sample-streams'),
  rounds: count('rounds'),
  intervalSeconds: count('interval-seconds'),
};
if (bench.rebuildEvents < bench.events)
  throw new Error('--rebuild-events must be at least --events');

/** Where this process's CPU goes while it projects, by the frames on the stack. */
const PROJECTION_CPU: Record<string, FrameMatcher> = {
  natsClient: f => f.url.includes('/@nats-io/'),
  projector: f => f.url.endsWith('saga/JetStreamSagaProjector.ts'),
  store: f => f.url.endsWith('saga/DatabaseSagaStore.ts'),
  decode: f => f.url.endsWith('saga/decodeSagaEvent.ts'),
  zod: f => f.url.includes('/node_modules/zod/'),
  fold: f => f.functionName === 'fold' || f.functionName === 'foldSagaSteps',
  knex: f => f.url.includes('/node_modules/knex/'),
  pgDriver: f =>
    f.url.includes('/node_modules/pg/') ||
    f.url.includes('/node_modules/pg-protocol/'),
  benchmark: f => f.url.endsWith('benchmark/backlogMain.ts'),
};

const log = (text: string) =>
  // eslint-disable-next-line no-console
  console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
const round = (value: number, digits = 1) =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : NaN;
const int = (value: number) => Math.round(value).toLocaleString('en-US');
const median = (values: number[]) => percentile(values, 50);
const met = (ok: boolean) => (ok ? 'met' : '**missed**');
const sec = (ms: number) => `${round(ms / 1000, 2)} s`;

function cpuText(cpu: CpuSplit, wallSeconds: number): string {
  const parts = [`this process ${sec(cpu.node)}`];
  if (cpu.nats !== undefined) parts.push(`nats-server ${sec(cpu.nats)}`);
  if (cpu.postgres !== undefined) parts.push(`PostgreSQL ${sec(cpu.postgres)}`);
  const total = cpu.node + (cpu.nats ?? 0) + (cpu.postgres ?? 0);
  return `${parts.join(', ')}: ${sec(total)} of CPU in ${round(
    wallSeconds,
    2,
  )} s, ${round(total / 10 / wallSeconds, 0)}% of one core (${
    os.cpus().length
  } cores)`;
}

/** Warnings and errors of the code under test, printed; the rest dropped. */
const logger: LoggerService = {
  error: message => log(`error: ${message}`),
  warn: message => log(`warn: ${message}`),
  info: () => {},
  debug: () => {},
  child: () => logger,
};
const lifecycle: LifecycleService = {
  addStartupHook: () => {},
  addShutdownHook: () => {},
};

// ---------------------------------------------------------------- processes' CPU

const CLOCK_TICKS = Number(
  execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim(),
);

/** utime + stime (+ the children it waited for) of a process, in ms; 0 once gone. */
function procCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
    const ticks = [11, 12, 13, 14].reduce(
      (sum, i) => sum + Number(fields[i]),
      0,
    );
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function pids(): number[] {
  return fs
    .readdirSync('/proc')
    .filter(name => /^\d+$/.test(name))
    .map(Number);
}

/** The nats-server listening on the URL's port (a child of this process). */
function natsServerPid(nats: TestNatsServer): number | undefined {
  const port = new URL(nats.url).port;
  return pids().find(pid => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('-p');
      return (
        argv[0].endsWith('nats-server') && at >= 0 && argv[at + 1] === port
      );
    } catch {
      return false;
    }
  });
}

/** A process's CPU, or a PostgreSQL server's: its postmaster and its backends. */
class CpuMeter {
  constructor(private readonly tree: () => number[]) {}

  static ofProcess(pid: number | undefined): CpuMeter | undefined {
    return pid ? new CpuMeter(() => [pid]) : undefined;
  }

  static ofPostgres(dataDir: string | undefined): CpuMeter | undefined {
    const file = dataDir && path.join(dataDir, 'postmaster.pid');
    if (!file || !fs.existsSync(file)) return undefined;
    const postmaster = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return new CpuMeter(() => [
      postmaster,
      ...pids().filter(pid => parentOf(pid) === postmaster),
    ]);
  }

  /** CPU ms so far (of the processes alive now, with their reaped children). */
  read(): number {
    return this.tree().reduce((sum, pid) => sum + procCpuMs(pid), 0);
  }
}

const nodeCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

interface CpuSplit {
  node: number;
  nats?: number;
  postgres?: number;
}

class CpuWindow {
  private readonly start: CpuSplit;
  constructor(
    private readonly nats?: CpuMeter,
    private readonly postgres?: CpuMeter,
  ) {
    this.start = this.read();
  }
  private read(): CpuSplit {
    return {
      node: nodeCpuMs(),
      ...(this.nats ? { nats: this.nats.read() } : {}),
      ...(this.postgres ? { postgres: this.postgres.read() } : {}),
    };
  }
  /** CPU ms of each since the window opened. */
  elapsed(): CpuSplit {
    const now = this.read();
    return {
      node: now.node - this.start.node,
      ...(now.nats !== undefined
        ? { nats: now.nats - (this.start.nats ?? 0) }
        : {}),
      ...(now.postgres !== undefined
        ? { postgres: now.postgres - (this.start.postgres ?? 0) }
        : {}),
    };
  }
}

/** The machine's 1-minute load average during a part of the run. */
interface PartLoad {
  part: string;
  mean: number;
  max: number;
}

/** Samples the 1-minute load average every 5 s, by part of the run. */
class LoadSampler {
  private readonly parts: Array<{ part: string; samples: number[] }> = [];
  private readonly timer = setInterval(() => this.sample(), 5000);

  part(name: string): void {
    this.parts.push({ part: name, samples: [] });
    this.sample();
  }

  stop(): PartLoad[] {
    clearInterval(this.timer);
    return this.parts
      .filter(p => p.samples.length)
      .map(({ part, samples }) => ({
        part,
        mean: samples.reduce((a, b) => a + b, 0) / samples.length,
        max: Math.max(...samples),
      }));
  }

  private sample(): void {
    this.parts.at(-1)?.samples.push(os.loadavg()[0]);
  }
}

// ---------------------------------------------------------------- databases

interface Postgres {
  url: string;
  dataDir?: string;
  how: string;
  version: string;
  settings: string;
  stop(): void;
}

/** The server of BACKSTAGE_TEST_DATABASE_POSTGRES*_CONNECTION_STRING, or a throwaway one. */
async function startPostgres(): Promise<
  Omit<Postgres, 'version' | 'settings'>
> {
  const fromEnv = Object.entries(process.env).find(
    ([key, value]) =>
      /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(key) &&
      value,
  );
  if (fromEnv)
    return {
      url: fromEnv[1]!,
      ...(process.env.PG_TEST_DIR
        ? { dataDir: path.join(process.env.PG_TEST_DIR, 'data') }
        : {}),
      how: `the server named by \`${fromEnv[0]}\` (started by \`scripts/postgres.sh\`)`,
      stop: () => {},
    };
  const script = path.join(ROOT, 'scripts/postgres.sh');
  const out = execFileSync('bash', [script, 'start'], { encoding: 'utf8' });
  const url = /_CONNECTION_STRING=(\S+)/.exec(out)?.[1];
  const dir = /PG_TEST_DIR=(\S+)/.exec(out)?.[1];
  if (!url || !dir) throw new Error(`scripts/postgres.sh start said: ${out}`);
  return {
    url,
    dataDir: path.join(dir, 'data'),
    how: 'a throwaway server started by `scripts/postgres.sh start` for this run',
    stop: () => execFileSync('bash', [script, 'stop', dir]),
  };
}

/** Databases as Backstage's database service gives them to a plugin. */
class Databases {
  private readonly clients: Knex[] = [];
  private readonly managers: Record<'sqlite' | 'pg', DatabaseManager>;

  constructor(sqliteDir: string, pgUrl: string, prefix: string) {
    this.managers = {
      sqlite: DatabaseManager.fromConfig(
        new ConfigReader({
          backend: {
            database: {
              client: 'better-sqlite3',
              connection: { directory: sqliteDir },
            },
          },
        }),
      ),
      pg: DatabaseManager.fromConfig(
        new ConfigReader({
          backend: { database: { client: 'pg', connection: pgUrl, prefix } },
        }),
      ),
    };
  }

  /** A new plugin database (its own SQLite file, or its own PostgreSQL database). */
  async open(kind: 'sqlite' | 'pg', pluginId: string) {
    const service = this.managers[kind].forPlugin(pluginId, {
      logger,
      lifecycle,
    });
    const knex = await service.getClient();
    this.clients.push(knex);
    const database: DatabaseService = { getClient: async () => knex };
    return { database, knex };
  }

  async close(): Promise<void> {
    await Promise.all(this.clients.map(c => c.destroy().catch(() => {})));
  }
}

// ---------------------------------------------------------------- NATS

/** Publishes saga events [from, to): event k is step k % 3 of saga k / 3. */
async function publishSagaEvents(
  fixtures: JetStreamFixtures,
  from: number,
  to: number,
  baseMs: number,
): Promise<void> {
  const started = performance.now();
  for (let k = from; k < to; k += PUBLISH_WINDOW) {
    const acks: Promise<unknown>[] = [];
    for (let e = k; e < Math.min(to, k + PUBLISH_WINDOW); e++) {
      const saga = Math.floor(e / 3);
      const step = PLAN[e % 3];
      const event = sagaEvent({
        publishId: `bench-${saga}`,
        step,
        occurredAt: new Date(
          baseMs + saga * 1000 + (e % 3) * 60_000,
        ).toISOString(),
        region: ['eu', 'us', 'me', 'ap'][saga % 4],
      });
      acks.push(fixtures.js.publish(event.subject, event.data));
    }
    await Promise.all(acks);
  }
  log(
    `published events ${int(from)}..${int(to - 1)} in ${round(
      (performance.now() - started) / 1000,
    )} s`,
  );
}

/**
 * One consumer loop's time, from the connection's side: its fetches that brought messages
 * (and those that waited for nothing), then from a fetch's return to the batch's first ack
 * (applying it, waiting for the transaction it goes into), then the acks.
 */
interface LoopTimes {
  events: number;
  fetches: number;
  fetchMs: number;
  emptyFetches: number;
  emptyFetchMs: number;
  applyMs: number;
  acks: number;
  ackMs: number;
}

const emptyLoop = (): LoopTimes => ({
  events: 0,
  fetches: 0,
  fetchMs: 0,
  emptyFetches: 0,
  emptyFetchMs: 0,
  applyMs: 0,
  acks: 0,
  ackMs: 0,
});

/** Times the connection's fetches, the batches' way to their acks, and the acks, by consumer. */
function instrumentFetch(
  connection: JetStreamConnection,
  loops: Map<string, LoopTimes>,
): void {
  const fetch = connection.fetch.bind(connection);
  connection.fetch = async request => {
    const times = loops.get(request.consumer) ?? emptyLoop();
    loops.set(request.consumer, times);
    const started = performance.now();
    const deliveries = await fetch(request);
    const fetched = performance.now();
    if (deliveries.length === 0) {
      times.emptyFetches++;
      times.emptyFetchMs += fetched - started;
      return deliveries;
    }
    times.fetches++;
    times.fetchMs += fetched - started;
    times.events += deliveries.length;
    let acked = false;
    return deliveries.map(delivery => ({
      ...delivery,
      ack: () => {
        const at = performance.now();
        if (!acked) times.applyMs += at - fetched;
        acked = true;
        delivery.ack();
        times.acks++;
        times.ackMs += performance.now() - at;
      },
    }));
  };
}

/**
 * The real store, timed: its transactions (how many, how long, how many deliveries),
 * when the last one committed, the outcomes.
 */
class TimedStore implements SagaProjectionStore {
  applied = 0;
  lastCommitAt = 0;
  clearMs = 0;
  transactions = 0;
  transactionMs = 0;
  readonly outcomes: Record<SagaApplyOutcome, number> = {
    projected: 0,
    'duplicate-step': 0,
    malformed: 0,
    'already-processed': 0,
  };
  private waiter?: { target: number; resolve: () => void };

  constructor(readonly inner: DatabaseSagaStore) {}

  reset(): void {
    this.applied = 0;
    this.lastCommitAt = 0;
    this.clearMs = 0;
    this.folding = { ms: 0, sagas: 0 };
    this.transactions = 0;
    this.transactionMs = 0;
    for (const key of Object.keys(this.outcomes) as SagaApplyOutcome[])
      this.outcomes[key] = 0;
  }

  async apply(deliveries: SagaDelivery[]): Promise<SagaApplyOutcome[]> {
    const started = performance.now();
    const outcomes = await this.inner.apply(deliveries);
    const done = performance.now();
    this.transactions++;
    this.transactionMs += done - started;
    for (const outcome of outcomes) this.outcomes[outcome]++;
    this.applied += deliveries.length;
    this.lastCommitAt = done;
    if (this.waiter && this.applied >= this.waiter.target) {
      this.waiter.resolve();
      this.waiter = undefined;
    }
    return outcomes;
  }

  /** Resolves once `target` deliveries were applied (counted since the last reset). */
  async until(target: number, timeoutMs: number): Promise<void> {
    if (this.applied >= target) return;
    await Promise.race([
      new Promise<void>(resolve => {
        this.waiter = { target, resolve };
      }),
      sleep(timeoutMs).then(() => {
        throw new Error(
          `only ${this.applied} of ${target} events applied after ${timeoutMs} ms`,
        );
      }),
    ]);
  }

  async clear(options?: { rebuild?: { startedAt: number } }): Promise<void> {
    const started = performance.now();
    await this.inner.clear(options);
    this.clearMs += performance.now() - started;
  }
  checkStream(identity: StreamIdentity) {
    return this.inner.checkStream(identity);
  }
  rebuildState() {
    return this.inner.rebuildState();
  }
  /** The rebuild's folding pass: how long, how many sagas. */
  folding = { ms: 0, sagas: 0 };
  /** Called when the folding pass starts (the benchmark tells its statements apart). */
  onFinishRebuild?: () => void;
  async finishRebuild(
    options?: Parameters<SagaProjectionStore['finishRebuild']>[0],
  ): Promise<{ folded: number; finished: boolean }> {
    this.onFinishRebuild?.();
    const started = performance.now();
    const result = await this.inner.finishRebuild(options);
    if (result.folded)
      this.folding = { ms: performance.now() - started, sagas: result.folded };
    return result;
  }
}

const OTHER_STATEMENTS = 'other';
/** The prefix of the folding pass's statements' kinds. */
const FOLDING = 'folding pass: ';

/** What each statement of the projection is for, by its SQL. */
function statementKind(sql: string): string {
  if (/^insert into saga_malformed/.test(sql)) return 'store malformed events';
  if (/pg_advisory_xact_lock_shared|from "saga_rebuild"/.test(sql))
    return "check the rebuild's phase (a shared advisory lock, then `saga_rebuild`)";
  if (/^select distinct "instance_id" from "saga_steps"/.test(sql))
    return "the next chunk's saga ids";
  if (/^select count\(pg_advisory_xact_lock/.test(sql))
    return "lock the sagas (advisory locks, in their keys' order)";
  if (/^insert into saga_steps/.test(sql))
    return 'insert the steps (`saga_steps`)';
  if (/^select .* from saga_steps/.test(sql)) return "read the sagas' steps";
  if (/^insert into saga_instances/.test(sql))
    return 'write the folded sagas (`saga_instances`)';
  return OTHER_STATEMENTS;
}

/**
 * The time from sending each statement to its answer, by kind, on one knex instance
 * (BEGIN and COMMIT carry no query id in knex's events and are not counted).
 */
class StatementTimes {
  readonly byKind = new Map<string, { n: number; ms: number }>();
  private readonly started = new Map<string, { at: number; sql: string }>();
  /** From the folding pass on, kinds get the FOLDING prefix. */
  folding = false;

  constructor(knex: Knex) {
    type Query = { __knexQueryUid?: string; sql: string };
    knex.on('query', (query: Query) => {
      if (query.__knexQueryUid)
        this.started.set(query.__knexQueryUid, {
          at: performance.now(),
          sql: query.sql,
        });
    });
    const done = (query: Query) => {
      const started = query.__knexQueryUid
        ? this.started.get(query.__knexQueryUid)
        : undefined;
      if (!started) return;
      this.started.delete(query.__knexQueryUid!);
      const kind = `${this.folding ? FOLDING : ''}${statementKind(
        started.sql,
      )}`;
      const times = this.byKind.get(kind) ?? { n: 0, ms: 0 };
      times.n++;
      times.ms += performance.now() - started.at;
      this.byKind.set(kind, times);
    };
    knex.on('query-response', (_response: unknown, query: Query) =>
      done(query),
    );
    knex.on('query-error', (_error: unknown, query: Query) => done(query));
  }

  reset(): void {
    this.byKind.clear();
    this.folding = false;
  }

  get totalMs(): number {
    return [...this.byKind.values()].reduce((sum, t) => sum + t.ms, 0);
  }
}

interface Projection {
  store: TimedStore;
  projector: JetStreamSagaProjector;
  connection: JetStreamConnection;
  loops: Map<string, LoopTimes>;
  stop(): Promise<void>;
}

async function startProjection(options: {
  nats: TestNatsServer;
  database: DatabaseService;
  consumerName: string;
}): Promise<Projection> {
  const store = new TimedStore(
    await DatabaseSagaStore.create(options.database),
  );
  const connection = JetStreamConnection.start({
    settings: { servers: [options.nats.url], name: options.consumerName },
    logger,
  });
  await connection.waitUntilConnected(10_000);
  const loops = new Map<string, LoopTimes>();
  instrumentFetch(connection, loops);
  const projector = JetStreamSagaProjector.create({
    connection,
    store,
    settings: {
      consumerName: options.consumerName,
      deadlines: DEFAULT_SAGA_DEADLINES,
      ackWaitSeconds: 30,
    },
    logger,
  });
  return {
    store,
    projector,
    connection,
    loops,
    stop: async () => {
      await projector.stop();
      await connection.close();
    },
  };
}

/** Waits until every consumer of the projector is set up and has nothing left. */
async function caughtUp(projector: JetStreamSagaProjector): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await projector.status();
    if (
      status.state === 'running' &&
      status.consumers.every(c => c.backlog === 0)
    )
      return;
    if (Date.now() > deadline)
      throw new Error(
        `the projection did not catch up: ${JSON.stringify(status)}`,
      );
    await sleep(100);
  }
}

// ---------------------------------------------------------------- the projection's content

const INSTANCE_COLUMNS = [
  'id',
  'state',
  'current_step',
  'expected_step',
  'started_at',
  'updated_at',
  'region',
  'tenant_id',
  'course_id',
  'course_version',
  'draft_id',
  'play_package_id',
  'failure_reason',
];
const STEP_COLUMNS = [
  'instance_id',
  'step',
  'subject',
  'stream',
  'seq',
  'event_id',
  'occurred_at',
  'region',
  'tenant_id',
  'course_id',
  'course_version',
  'draft_id',
  'play_package_id',
  'reason',
];

/** Every row's columns (not the generated ids) hashed and summed: equal sums, equal rows. */
function digestSql(table: string, columns: string[]): string {
  const row = `concat_ws('|', ${columns
    .map(c => `coalesce(${c}::text, '\\N')`)
    .join(', ')})`;
  return `select count(*)::bigint as n, coalesce(sum(('x' || substr(md5(${row}), 1, 15))::bit(60)::bigint::numeric), 0)::text as digest from ${table}`;
}

/** The projection as the API shows it, plus a digest of every row (PostgreSQL). */
async function projectionContent(
  knex: Knex,
  store: DatabaseSagaStore,
  clock: SagaClock,
) {
  const digest = async (table: string, columns: string[]) => {
    const { rows } = await knex.raw(digestSql(table, columns));
    return { rows: Number(rows[0].n), digest: String(rows[0].digest) };
  };
  return {
    counts: await store.counts(clock),
    instances: await digest('saga_instances', INSTANCE_COLUMNS),
    steps: await digest('saga_steps', STEP_COLUMNS),
    malformed: await digest('saga_malformed', [
      'stream',
      'seq',
      'subject',
      'reason',
      'excerpt',
    ]),
  };
}

type ProjectionContent = Awaited<ReturnType<typeof projectionContent>>;

async function tableCount(knex: Knex, table: string): Promise<number> {
  return Number((await knex(table).count({ n: '*' }))[0].n);
}

// ---------------------------------------------------------------- (a) throughput

/** How the projector's work went: its consumers' loops, the store's transactions. */
interface ProjectionFigures {
  loops: Array<{ subject: string; times: LoopTimes }>;
  batches: number;
  transactions: number;
  transactionMs: number;
}

function figuresOf(
  projection: Projection,
  consumerName: string,
): ProjectionFigures {
  const loops = PLAN.map(step => ({
    subject: SAGA_SUBJECTS[step],
    times: projection.loops.get(`${consumerName}-${step}`) ?? emptyLoop(),
  }));
  return {
    loops,
    batches: loops.reduce((sum, loop) => sum + loop.times.fetches, 0),
    transactions: projection.store.transactions,
    transactionMs: projection.store.transactionMs,
  };
}

function describeFigures(f: ProjectionFigures): string {
  return `${f.batches} batches fetched, ${f.transactions} transactions (${round(
    f.batches / Math.max(1, f.transactions),
    2,
  )} batches each), ${sec(f.transactionMs)} in transactions`;
}

interface ThroughputRun {
  kind: 'sqlite' | 'pg';
  seconds: number;
  eventsPerSecond: number;
  figures: ProjectionFigures;
  cpu: CpuSplit;
}

async function throughputRun(options: {
  kind: 'sqlite' | 'pg';
  rep: number;
  nats: TestNatsServer;
  fixtures: JetStreamFixtures;
  databases: Databases;
  events: number;
  meters: { nats?: CpuMeter; postgres?: CpuMeter };
}): Promise<ThroughputRun> {
  const { kind, rep, events } = options;
  const { database, knex } = await options.databases.open(
    kind,
    `tp${kind}${rep}`,
  );
  const projection = await startProjection({
    nats: options.nats,
    database,
    consumerName: `bench-tp-${kind}-${rep}`,
  });
  const cpu = new CpuWindow(options.meters.nats, options.meters.postgres);
  const started = performance.now();
  projection.projector.start();
  await projection.store.until(events, 600_000);
  const seconds = (projection.store.lastCommitAt - started) / 1000;
  const cpuUsed = cpu.elapsed();
  await caughtUp(projection.projector);
  await projection.stop();
  const steps = await tableCount(knex, 'saga_steps');
  const sagas = await tableCount(knex, 'saga_instances');
  if (
    steps !== events ||
    sagas !== Math.ceil(events / 3) ||
    projection.store.outcomes.projected !== events
  )
    throw new Error(
      `${kind} run ${rep}: ${steps} steps, ${sagas} sagas, outcomes ${JSON.stringify(
        projection.store.outcomes,
      )} for ${events} events`,
    );
  const figures = figuresOf(projection, `bench-tp-${kind}-${rep}`);
  for (const step of SAGA_STEPS)
    await options.fixtures.jsm.consumers
      .delete(streamOf(step), `bench-tp-${kind}-${rep}-${step}`)
      .catch(() => {});
  const eventsPerSecond = events / seconds;
  log(
    `(a) ${kind} run ${rep}: ${int(events)} events in ${round(
      seconds,
      2,
    )} s = ${int(eventsPerSecond)} events/s (${describeFigures(
      figures,
    )}; CPU ${cpuText(cpuUsed, seconds)})`,
  );
  return { kind, seconds, eventsPerSecond, figures, cpu: cpuUsed };
}

/** The event stream that holds the step's subject. */
function streamOf(step: SagaStepName): string {
  const [prefix] = SAGA_SUBJECTS[step].split('.');
  const found = Object.entries(EVENT_STREAMS).find(
    ([, subjects]) => subjects === `${prefix}.>`,
  );
  if (!found) throw new Error(`no event stream holds ${SAGA_SUBJECTS[step]}`);
  return found[0];
}

// ---------------------------------------------------------------- (b) rebuild

interface RebuildReport {
  events: number;
  initialSeconds: number;
  seconds: number;
  lastCommitSeconds: number;
  clearSeconds: number;
  /** The folding pass at the end of the replay. */
  folding: { seconds: number; sagas: number };
  identical: boolean;
  before: ProjectionContent;
  after: ProjectionContent;
  sagas: number;
  figures: ProjectionFigures;
  cpu: CpuSplit;
  /** Where this process's CPU went in the first projection (under the profiler). */
  initialCpu: CpuBreakdown;
  /** The rebuild's statements in its transactions: from sending to the answer, by kind. */
  statements: Array<{ kind: string; n: number; ms: number }>;
  /** The folding pass's statements (finishRebuild), by kind. */
  foldingStatements: Array<{ kind: string; n: number; ms: number }>;
  statementMs: number;
  /** Its statements outside them (`checkStream`, `clear`). */
  otherStatements?: { n: number; ms: number };
}

async function rebuild(options: {
  nats: TestNatsServer;
  databases: Databases;
  events: number;
  meters: { nats?: CpuMeter; postgres?: CpuMeter };
  beforeRebuild: () => void;
}): Promise<RebuildReport> {
  const { database, knex } = await options.databases.open('pg', 'rebuild');
  const statements = new StatementTimes(knex);
  const projection = await startProjection({
    nats: options.nats,
    database,
    consumerName: 'bench-rebuild',
  });
  const { store, projector } = projection;
  const initialStart = performance.now();
  // Under the profiler: where this process's CPU goes while it projects.
  const { profile } = await profileCpu(async () => {
    projector.start();
    await store.until(options.events, 1_800_000);
  }, 1000);
  const initialSeconds = (store.lastCommitAt - initialStart) / 1000;
  if (args['cpu-profile'])
    fs.writeFileSync(args['cpu-profile'], JSON.stringify(profile));
  const initialCpu = cpuBreakdown(profile, PROJECTION_CPU);
  await caughtUp(projector);
  const busy = initialCpu.totalMs - initialCpu.idleMs;
  log(
    `(b) initial projection of ${int(
      options.events,
    )} events into PostgreSQL (under the profiler): ${round(
      initialSeconds,
    )} s; this process busy ${sec(busy)}: ${Object.entries(
      initialCpu.categories,
    )
      .map(([name, ms]) => `${name} ${sec(ms)}`)
      .join(', ')}, GC ${sec(initialCpu.gcMs)}`,
  );
  // One clock for both readings: stuck is derived from it.
  const clock = { now: Date.now(), deadlines: DEFAULT_SAGA_DEADLINES };
  const before = await projectionContent(knex, store.inner, clock);

  options.beforeRebuild();
  store.reset();
  statements.reset();
  store.onFinishRebuild = () => {
    statements.folding = true;
  };
  for (const times of projection.loops.values())
    Object.assign(times, emptyLoop());
  const cpu = new CpuWindow(options.meters.nats, options.meters.postgres);
  const started = performance.now();
  const status = await projector.rebuild();
  if (status.state !== 'running')
    throw new Error(`the rebuild did not start: ${JSON.stringify(status)}`);
  let doneAt: number | undefined;
  const deadline = Date.now() + 1_800_000;
  while (doneAt === undefined) {
    const rebuildStatus = (await projector.status()).rebuild;
    if (rebuildStatus?.state === 'done') doneAt = performance.now();
    else if (rebuildStatus?.state === 'failed')
      throw new Error(`the rebuild failed: ${rebuildStatus.error}`);
    else if (Date.now() > deadline)
      throw new Error('the rebuild took > 30 min');
    else await sleep(50);
  }
  const seconds = (doneAt - started) / 1000;
  const lastCommitSeconds = (store.lastCommitAt - started) / 1000;
  const cpuUsed = cpu.elapsed();
  const statementTimes = [...statements.byKind.entries()]
    .map(([kind, t]) => ({ kind, ...t }))
    .sort((a, b) => b.ms - a.ms);
  await caughtUp(projector);
  const after = await projectionContent(knex, store.inner, clock);
  await projection.stop();
  const identical = isDeepStrictEqual(after, before);
  const figures = figuresOf(projection, 'bench-rebuild');
  log(
    `(b) rebuild: done after ${round(
      seconds,
      2,
    )} s (last event committed at ${round(lastCommitSeconds, 2)} s; clear ${sec(
      store.clearMs,
    )}); projection identical: ${identical}; ${describeFigures(
      figures,
    )}; CPU ${cpuText(cpuUsed, seconds)}`,
  );
  return {
    events: options.events,
    initialSeconds,
    seconds,
    lastCommitSeconds,
    clearSeconds: store.clearMs / 1000,
    folding: { seconds: store.folding.ms / 1000, sagas: store.folding.sagas },
    identical,
    before,
    after,
    sagas: before.instances.rows,
    figures,
    cpu: cpuUsed,
    initialCpu,
    statements: statementTimes.filter(
      st => st.kind !== OTHER_STATEMENTS && !st.kind.startsWith(FOLDING),
    ),
    foldingStatements: statementTimes
      .filter(st => st.kind.startsWith(FOLDING))
      .map(st => ({ ...st, kind: st.kind.slice(FOLDING.length) })),
    statementMs: statementTimes
      .filter(
        st => st.kind !== OTHER_STATEMENTS && !st.kind.startsWith(FOLDING),
      )
      .reduce((sum, st) => sum + st.ms, 0),
    otherStatements: statementTimes.find(st => st.kind === OTHER_STATEMENTS),
  };
}

// ---------------------------------------------------------------- (c) sampling

interface SamplingRound {
  wallMs: number;
  cpuMs: number;
  natsCpuMs?: number;
  calls: number;
  inMsgs: number;
  readMs: number;
  writeMs: number;
  rows: number;
}

interface SamplingReport {
  kind: 'sqlite' | 'pg';
  rounds: SamplingRound[];
  /** The process's CPU over the whole window (rounds and the time between them). */
  windowCpuMs: number;
  windowMs: number;
  bytesPerRound?: number;
}

async function setUpSampledConsumers(
  fixtures: JetStreamFixtures,
): Promise<ConfiguredStream[]> {
  const perStream = Math.ceil(bench.consumers / bench.sampleStreams);
  const streams: ConfiguredStream[] = [];
  let made = 0;
  for (let s = 0; s < bench.sampleStreams && made < bench.consumers; s++) {
    const stream = `BENCH_WORK_${s}`;
    await fixtures.jsm.streams.add({
      name: stream,
      subjects: [`bench.work.${s}.>`],
      storage: StorageType.File,
    });
    const consumers = [];
    for (let c = 0; c < perStream && made < bench.consumers; c++, made++) {
      const name = `worker-${c}`;
      await fixtures.jsm.consumers.add(stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        filter_subject: `bench.work.${s}.${c}`,
      });
      const acks = [];
      for (let m = 0; m < 20; m++)
        acks.push(fixtures.js.publish(`bench.work.${s}.${c}`, `{"job":${m}}`));
      await Promise.all(acks);
      consumers.push({ name, itemsPerMessage: 1 });
    }
    streams.push({ stream, consumers });
  }
  return streams;
}

interface ConnzConnection {
  name?: string;
  in_msgs: number;
}

async function inMsgs(nats: TestNatsServer, name: string): Promise<number> {
  const connz = await nats.monitor<{ connections: ConnzConnection[] }>(
    '/connz?limit=1024',
  );
  const connection = connz.connections.find(c => c.name === name);
  if (!connection) throw new Error(`no connection named ${name} in /connz`);
  return connection.in_msgs;
}

async function sampling(options: {
  kind: 'sqlite' | 'pg';
  nats: TestNatsServer;
  databases: Databases;
  streams: ConfiguredStream[];
  rounds: number;
  intervalMs: number;
  natsMeter?: CpuMeter;
}): Promise<SamplingReport> {
  const { database, knex } = await options.databases.open(
    options.kind,
    `samples${options.kind}`,
  );
  const store = await DatabaseBacklogStore.create(database);
  const name = `bench-sampler-${options.kind}`;
  const connection = JetStreamConnection.start({
    settings: { servers: [options.nats.url], name },
    logger,
  });
  await connection.waitUntilConnected(10_000);
  // The sampler's NATS requests, counted where they are made.
  let calls = 0;
  const streamFigures = connection.streamFigures.bind(connection);
  const consumerFigures = connection.consumerFigures.bind(connection);
  connection.streamFigures = stream => {
    calls++;
    return streamFigures(stream);
  };
  connection.consumerFigures = (stream, consumer) => {
    calls++;
    return consumerFigures(stream, consumer);
  };
  const reader = new JetStreamBacklogReader(connection);
  let readMs = 0;
  let writeMs = 0;
  let rows = 0;
  const readStreams = reader.readStreams.bind(reader);
  reader.readStreams = async streams => {
    const started = performance.now();
    const readings = await readStreams(streams);
    readMs += performance.now() - started;
    return readings;
  };
  const insertSamples = store.insertSamples.bind(store);
  store.insertSamples = async samples => {
    const started = performance.now();
    await insertSamples(samples);
    writeMs += performance.now() - started;
    rows += samples.streams.length + samples.consumers.length;
  };
  const prune = store.prune.bind(store);
  store.prune = async before => {
    const started = performance.now();
    const pruned = await prune(before);
    writeMs += performance.now() - started;
    return pruned;
  };
  const sampler = new BacklogSampler({
    reader,
    store,
    services: Object.fromEntries(
      options.streams.map((s, i) => [`bench-service-${i}`, [s]]),
    ),
    retentionDays: 7,
  });
  const size = async () =>
    options.kind === 'pg'
      ? Number(
          (
            await knex.raw(
              `select pg_total_relation_size('backlog_samples') as bytes`,
            )
          ).rows[0].bytes,
        )
      : undefined;
  // One round first, not measured: the table's first pages, the connection's first use.
  await sampler.sample();
  const sizeBefore = await size();
  const rounds: SamplingRound[] = [];
  const windowStart = performance.now();
  const windowCpu = nodeCpuMs();
  for (let r = 0; r < options.rounds; r++) {
    const due = windowStart + r * options.intervalMs;
    if (performance.now() < due) await sleep(due - performance.now());
    calls = 0;
    readMs = 0;
    writeMs = 0;
    rows = 0;
    const msgs = await inMsgs(options.nats, name);
    const nats = options.natsMeter?.read();
    const cpu = nodeCpuMs();
    const started = performance.now();
    await sampler.sample();
    const wallMs = performance.now() - started;
    const cpuMs = nodeCpuMs() - cpu;
    const natsCpuMs =
      nats !== undefined ? options.natsMeter!.read() - nats : undefined;
    rounds.push({
      wallMs,
      cpuMs,
      ...(natsCpuMs !== undefined ? { natsCpuMs } : {}),
      calls,
      inMsgs: (await inMsgs(options.nats, name)) - msgs,
      readMs,
      writeMs,
      rows,
    });
  }
  const lastDue = windowStart + options.rounds * options.intervalMs;
  if (performance.now() < lastDue) await sleep(lastDue - performance.now());
  const windowMs = performance.now() - windowStart;
  const windowCpuMs = nodeCpuMs() - windowCpu;
  const sizeAfter = await size();
  await connection.close();
  const report: SamplingReport = {
    kind: options.kind,
    rounds,
    windowCpuMs,
    windowMs,
    ...(sizeBefore !== undefined && sizeAfter !== undefined
      ? { bytesPerRound: (sizeAfter - sizeBefore) / options.rounds }
      : {}),
  };
  const m = (pick: (r: SamplingRound) => number) =>
    round(median(rounds.map(pick)), 2);
  log(
    `(c) sampling into ${options.kind}: per round (median of ${
      rounds.length
    }) ${m(r => r.calls)} requests (${m(
      r => r.inMsgs,
    )} messages in /connz), CPU ${m(r => r.cpuMs)} ms, wall ${m(
      r => r.wallMs,
    )} ms (read ${m(r => r.readMs)}, write ${m(r => r.writeMs)} ms, ${m(
      r => r.rows,
    )} rows)`,
  );
  return report;
}

// ---------------------------------------------------------------- main

async function main() {
  const date = new Date().toISOString().slice(0, 10);
  const dir = fs.mkdtempSync(
    path.join(os.tmpdir(), 'service-ops-backlog-bench-'),
  );
  const pgServer = await startPostgres();
  let nats: TestNatsServer | undefined;
  let fixtures: JetStreamFixtures | undefined;
  let databases: Databases | undefined;
  try {
    databases = new Databases(
      path.join(dir, 'sqlite'),
      pgServer.url,
      `saga_bench_${Date.now().toString(36)}_`,
    );
    const probe = await databases.open('pg', 'probe');
    const version = String(
      (await probe.knex.raw('show server_version')).rows[0].server_version,
    );
    const settings = (
      await probe.knex.raw(
        `select name, setting from pg_settings where name in ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers') order by name`,
      )
    ).rows
      .map((r: { name: string; setting: string }) => `${r.name}=${r.setting}`)
      .join(', ');
    const postgres: Postgres = { ...pgServer, version, settings };
    log(`PostgreSQL ${version} (${settings}): ${postgres.how}`);

    nats = await startNatsServer();
    const natsVersion = (await nats.monitor<{ version: string }>('/varz'))
      .version;
    fixtures = await JetStreamFixtures.connect(nats.url);
    await fixtures.eventStreams();
    const meters = {
      nats: CpuMeter.ofProcess(natsServerPid(nats)),
      postgres: CpuMeter.ofPostgres(postgres.dataDir),
    };
    const baseMs = Date.now() - Math.ceil(bench.rebuildEvents / 3) * 1000;
    // The machine's 1-minute load average as each part starts and after the last.
    const loads = new LoadSampler();
    loads.part('the throughput runs');

    // (a) throughput: the same events into fresh databases, SQLite and PostgreSQL in turn
    await publishSagaEvents(fixtures, 0, bench.events, baseMs);
    const runs: ThroughputRun[] = [];
    for (let rep = 1; rep <= bench.repeat; rep++)
      for (const kind of ['sqlite', 'pg'] as const)
        runs.push(
          await throughputRun({
            kind,
            rep,
            nats,
            fixtures,
            databases,
            events: bench.events,
            meters,
          }),
        );

    // (b) the rebuild of every saga event in the streams, on PostgreSQL
    loads.part('publishing the rest and the first projection');
    await publishSagaEvents(
      fixtures,
      bench.events,
      bench.rebuildEvents,
      baseMs,
    );
    const rebuilt = await rebuild({
      nats,
      databases,
      events: bench.rebuildEvents,
      meters,
      beforeRebuild: () => loads.part('the rebuild'),
    });

    // (c) sampling: the projectors are stopped; only the sampler talks to NATS
    loads.part('the sampling');
    const streams = await setUpSampledConsumers(fixtures);
    const samplingReports: SamplingReport[] = [];
    for (const kind of ['pg', 'sqlite'] as const)
      samplingReports.push(
        await sampling({
          kind,
          nats,
          databases,
          streams,
          rounds: bench.rounds,
          intervalMs: bench.intervalSeconds * 1000,
          natsMeter: meters.nats,
        }),
      );

    const section = renderSection({
      loads: loads.stop(),
      date,
      postgres,
      natsVersion,
      runs,
      rebuilt,
      sampling: samplingReports,
      sampledStreams: streams.length,
      meters: { nats: !!meters.nats, postgres: !!meters.postgres },
    });
    // eslint-disable-next-line no-console
    console.log(`\n${section}`);
    if (!args['no-doc']) {
      const doc = args.doc!;
      const before = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '';
      fs.writeFileSync(doc, replaceSection(before, SECTION, section));
      log(`written to ${path.relative(process.cwd(), doc) || doc}`);
    }
  } finally {
    await fixtures?.close().catch(() => {});
    await databases?.close();
    await nats?.stop();
    pgServer.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the section

interface Report {
  loads: PartLoad[];
  date: string;
  postgres: Postgres;
  natsVersion: string;
  runs: ThroughputRun[];
  rebuilt: RebuildReport;
  sampling: SamplingReport[];
  sampledStreams: number;
  meters: { nats: boolean; postgres: boolean };
}

function renderSection(r: Report): string {
  const cpuModel = os.cpus()[0]?.model.trim() ?? 'unknown CPU';
  const cores = os.cpus().length;
  const command = `yarn workspace @internal/backstage-plugin-service-ops-backend benchmark:backlog${
    process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''
  }`;
  const of = (kind: 'sqlite' | 'pg') => r.runs.filter(run => run.kind === kind);
  const rate = (kind: 'sqlite' | 'pg') =>
    median(of(kind).map(run => run.eventsPerSecond));
  const throughput = (kind: 'sqlite' | 'pg') =>
    `${int(rate(kind))} events/s (runs: ${of(kind)
      .map(run => int(run.eventsPerSecond))
      .join(', ')})`;
  const b = r.rebuilt;
  const goalMet = b.identical && b.seconds < bench.rebuildGoalSeconds;
  const samplingOf = (kind: 'sqlite' | 'pg') =>
    r.sampling.find(x => x.kind === kind)!;
  const med = (report: SamplingReport, pick: (x: SamplingRound) => number) =>
    median(report.rounds.map(pick));
  const pg = samplingOf('pg');
  const lite = samplingOf('sqlite');
  const roundsPerDay = 86_400 / bench.intervalSeconds;
  const ms = (value: number) => `${round(value)} ms`;
  const rebuildLoad = r.loads.find(l => l.part === 'the rebuild');
  const cpuTotal = (cpu: CpuSplit) =>
    cpu.node + (cpu.nats ?? 0) + (cpu.postgres ?? 0);
  const perEvent = (cpuMs: number | undefined) =>
    cpuMs === undefined
      ? 'not measured'
      : `${round((cpuMs * 1000) / b.events)} µs`;
  const f = b.figures;
  const inCode = f.transactionMs - b.statementMs;
  const c = b.initialCpu.categories;
  const busy = b.initialCpu.totalMs - b.initialCpu.idleMs;
  const lines = [
    `## ${SECTION}`,
    '',
    `Measured ${r.date} on ${cores} cores (${cpuModel}, ${round(
      os.totalmem() / 2 ** 30,
    )} GiB), Node.js ${process.version}, nats-server ${
      r.natsVersion
    }, PostgreSQL ${
      r.postgres.version
    }, by \`${command}\` (\`plugins/service-ops-backend/src/benchmark/backlogMain.ts\`). Every figure below comes from that one run. The machine was shared with other work; its 1-minute load average, sampled every 5 s (this run's own processes add about their CPU share, e.g. ${round(
      cpuTotal(b.cpu) / (b.seconds * 1000),
      2,
    )} during the rebuild): ${r.loads
      .map(
        ({ part, mean, max }) =>
          `${round(mean, 2)} on average and ${round(
            max,
            2,
          )} at most during ${part}`,
      )
      .join(', ')} (${cores} cores).`,
    '',
    `Setup: a real \`nats-server -js\` with a temporary file store on free ports (\`startNatsServer\` of the tests), with the event streams as the sandbox keeps them (${Object.entries(
      EVENT_STREAMS,
    )
      .map(([name, subject]) => `\`${name}\` on \`${subject}\``)
      .join(
        ', ',
      )}). Saga events published in the shape of \`sagaEvent\` (\`__testUtils__/jetStreamFixtures.ts\`): event k is step k mod 3 (${PLAN.map(
      step => `\`${SAGA_SUBJECTS[step]}\``,
    ).join(
      ', ',
    )}) of saga k / 3, so each of the three streams holds a third of them, in saga order. Projected by the real \`JetStreamSagaProjector\` (one durable pull consumer per saga subject, each pulled in its own loop in batches of up to ${
      SAGA_PROJECTOR_BATCHING.batch
    }; a loop pulls its next batch while up to ${
      SAGA_PROJECTOR_BATCHING.ahead
    } of its last ones are on their way through transactions; the batches queued meanwhile by all loops go into one transaction, up to ${
      SAGA_PROJECTOR_BATCHING.transactions
    } transactions at once, each batch acked after its commit) into the real \`DatabaseSagaStore\`, with the databases Backstage's \`DatabaseManager\` gives a plugin: SQLite (\`better-sqlite3\`, a file) and PostgreSQL (${
      r.postgres.how
    }; ${
      r.postgres.settings
    }, as the tests run it: not a durable production server).`,
    '',
    '| measurement | SQLite | PostgreSQL | goal | result |',
    '| --- | --- | --- | --- | --- |',
    `| P4 projection throughput, ${int(
      bench.events,
    )} events into an empty projection, median of ${
      bench.repeat
    } | ${throughput('sqlite')} | ${throughput('pg')} | | |`,
    `| P4 \`rebuild()\` of ${int(b.events)} saga events (${int(
      b.sagas,
    )} sagas), from the call until \`status().rebuild.state\` is \`done\` | | ${round(
      b.seconds,
      1,
    )} s (${int(
      b.events / b.seconds,
    )} events/s); projection identical before and after: ${
      b.identical ? 'yes' : '**no**'
    } | < ${bench.rebuildGoalSeconds} s on PostgreSQL | ${met(goalMet)} |`,
    `| P4 first projection of the same ${int(
      b.events,
    )} events (under the CPU profiler) | | ${round(
      b.initialSeconds,
      1,
    )} s (${int(b.events / b.initialSeconds)} events/s) | | |`,
    `| Sampling ${bench.consumers} consumers and ${
      r.sampledStreams
    } streams every ${
      bench.intervalSeconds
    } s: NATS requests per round | ${round(
      med(lite, x => x.calls),
      0,
    )} | ${round(
      med(pg, x => x.calls),
      0,
    )} | | |`,
    `| - CPU of this process per round, median of ${bench.rounds} | ${ms(
      med(lite, x => x.cpuMs),
    )} | ${ms(med(pg, x => x.cpuMs))} | | |`,
    `| - CPU of nats-server per round, median | ${
      r.meters.nats ? ms(med(lite, x => x.natsCpuMs ?? NaN)) : 'not measured'
    } | ${
      r.meters.nats ? ms(med(pg, x => x.natsCpuMs ?? NaN)) : 'not measured'
    } | | |`,
    `| - wall time per round, median: reading NATS / writing the database | ${ms(
      med(lite, x => x.wallMs),
    )}: ${ms(med(lite, x => x.readMs))} / ${ms(
      med(lite, x => x.writeMs),
    )} | ${ms(med(pg, x => x.wallMs))}: ${ms(med(pg, x => x.readMs))} / ${ms(
      med(pg, x => x.writeMs),
    )} | | |`,
    `| - rows written per round | ${round(
      med(lite, x => x.rows),
      0,
    )} | ${round(
      med(pg, x => x.rows),
      0,
    )}${
      pg.bytesPerRound !== undefined
        ? ` (${round(pg.bytesPerRound / 1024, 1)} KiB with indexes, ${round(
            (pg.bytesPerRound * roundsPerDay) / 2 ** 20,
            0,
          )} MiB a day)`
        : ''
    } | | |`,
    '',
    `SQLite projected ${round(
      rate('sqlite') / rate('pg'),
      2,
    )} times as many events per second as PostgreSQL (medians of this run). Sampling ${
      bench.consumers
    } consumers every ${bench.intervalSeconds} s costs this process ${round(
      (100 * pg.windowCpuMs) / pg.windowMs,
      2,
    )}% of one core into PostgreSQL and ${round(
      (100 * lite.windowCpuMs) / lite.windowMs,
      2,
    )}% into SQLite (its CPU over the whole ${round(
      pg.windowMs / 1000,
      0,
    )} s of rounds and pauses), and ${round(
      med(pg, x => x.calls) * roundsPerDay,
      0,
    ).toLocaleString('en-US')} NATS requests a day.`,
    '',
    '### How',
    '',
    `- **Throughput**: the first ${int(
      bench.events,
    )} events published once; then ${
      bench.repeat
    } times SQLite and PostgreSQL in turn, each with a fresh plugin database (its own SQLite file, its own PostgreSQL database, migrated) and a projector with new durable consumers that replay the streams from their start. Timed from \`start()\` to the commit of the transaction that applied the last event (the store is wrapped to see its commits), and checked afterwards: every event \`projected\`, one step per event, one saga per three events. Median of the ${
      bench.repeat
    } runs (nearest rank). PostgreSQL: ${of('pg')
      .map(
        run =>
          `${describeFigures(run.figures)}; ${cpuText(run.cpu, run.seconds)}`,
      )
      .join('. ')}. SQLite: ${of('sqlite')
      .map(
        run =>
          `${describeFigures(run.figures)}; ${cpuText(
            {
              node: run.cpu.node,
              ...(run.cpu.nats !== undefined ? { nats: run.cpu.nats } : {}),
            },
            run.seconds,
          )}`,
      )
      .join('. ')}.`,
    `- **Rebuild**: the streams then filled to ${int(
      b.events,
    )} saga events, projected by one projector into a fresh PostgreSQL database (the first projection, under V8's sampling profiler, 1 ms), until its consumers had nothing left. Then \`rebuild()\` (pause, delete the consumers, \`clear()\` the projection and record the rebuild, recreate the consumers from the start of the streams; the replay writes the steps only, then every saga is folded once from its steps), timed from the call until \`status().rebuild.state === 'done'\`, polled every 50 ms (the projector checks the consumers' backlog every second, so \`done\` comes up to a second after the last commit, which came at ${round(
      b.lastCommitSeconds,
      1,
    )} s). Before and after, with one clock: the saga counts by state (\`counts()\`) and, for each table of the projection, the row count and the sum of the MD5 of every row's columns (not the generated ids; for \`saga_malformed\` not the receipt time): ${
      b.identical ? 'equal' : '**not equal**'
    } (${Object.entries(b.before.counts.counts)
      .map(([state, n]) => `${state} ${int(n)}`)
      .join(', ')}; ${int(b.before.steps.rows)} steps, ${int(
      b.before.malformed.rows,
    )} malformed).`,
    `- **Sampling**: ${bench.consumers} durable pull consumers on ${
      r.sampledStreams
    } streams (each filtered to its own subject, 20 messages pending on each), configured as the streams of ${
      r.sampledStreams
    } services; the real \`BacklogSampler\` (\`JetStreamBacklogReader.readStreams\`: stream info and consumer info, in parallel, over its own \`JetStreamConnection\`; then \`DatabaseBacklogStore.insertSamples\` and \`prune\`), once unmeasured, then ${
      bench.rounds
    } rounds ${
      bench.intervalSeconds
    } s apart, first into PostgreSQL, then into SQLite, with the projectors stopped. NATS requests counted twice: the calls of \`streamFigures\` and \`consumerFigures\` (wrapped on the sampler's connection), and the growth of that connection's \`in_msgs\` in the server's \`/connz\` (${round(
      med(pg, x => x.inMsgs),
      0,
    )} and ${round(
      med(lite, x => x.inMsgs),
      0,
    )} per round: one message in per request). CPU of this process from \`process.cpuUsage()\` around each round${
      r.meters.nats
        ? `, nats-server's from \`/proc/<pid>/stat\` (utime + stime, in steps of ${round(
            1000 / CLOCK_TICKS,
          )} ms) around each round`
        : ''
    }. The database's share: the wall time of \`insertSamples\` and \`prune\`${
      pg.bytesPerRound !== undefined
        ? `, and on PostgreSQL the growth of \`pg_total_relation_size('backlog_samples')\` over the rounds, per round (a day is ${int(
            roundsPerDay,
          )} rounds; samples are kept 7 days by default)`
        : ''
    }.`,
    '',
    '### Where the rebuild spends its time',
    '',
    `CPU during the rebuild: ${cpuText(
      b.cpu,
      b.seconds,
    )}; per event, PostgreSQL ${perEvent(
      b.cpu.postgres,
    )}, this process ${perEvent(b.cpu.node)}, nats-server ${perEvent(
      b.cpu.nats,
    )}. \`clear()\` took ${sec(
      b.clearSeconds * 1000,
    )}; the replay's last transaction committed at ${round(
      b.lastCommitSeconds,
      1,
    )} s, then \`finishRebuild()\` folded ${int(
      b.folding.sagas,
    )} sagas from their steps in ${sec(
      b.folding.seconds * 1000,
    )} (chunks of 5,000 sagas, two transactions at once: ${
      b.foldingStatements.length
        ? b.foldingStatements
            .map(
              st =>
                `${st.kind} ${int(st.n)} statements, ${sec(
                  st.ms,
                )} sent until answered`,
            )
            .join('; ')
        : 'no statement seen'
    }). The replay's transactions are the rebuild's critical path: ${describeFigures(
      f,
    )}, in the ${round(b.seconds, 1)} s (on average ${round(
      f.transactionMs / (b.seconds * 1000),
      2,
    )} open at once, at most ${SAGA_PROJECTOR_BATCHING.transactions}), ${int(
      b.events / Math.max(1, f.transactions),
    )} events per transaction on average. Within the transactions:`,
    '',
    '| part of the transactions | statements | time | per transaction |',
    '| --- | --- | --- | --- |',
    ...b.statements.map(
      st =>
        `| ${st.kind}: sent until answered${
          st.kind.startsWith('lock the sagas')
            ? ' (including waiting for the locks of the other transaction)'
            : ''
        } | ${int(st.n)} | ${sec(st.ms)} | ${ms(
          st.ms / Math.max(1, f.transactions),
        )} |`,
    ),
    `| the rest: this process's code between the statements (decoding, folding, the rows' JSON) or the other transaction's, BEGIN and COMMIT | | ${sec(
      inCode,
    )} | ${ms(inCode / Math.max(1, f.transactions))} |`,
    '',
    `Outside the transactions, \`checkStream\` and \`clear()\` took ${
      b.otherStatements
        ? `${int(b.otherStatements.n)} statements, ${sec(b.otherStatements.ms)}`
        : 'no statement'
    }.`,
    '',
    "Meanwhile each consumer's loop pulled its next batch, overlapping the transaction before, and acked its last one after the commit:",
    '',
    '| loop | events | batches | NATS fetch | fetched until acked (the transaction before, then its own) | sending the acks |',
    '| --- | --- | --- | --- | --- | --- |',
    ...f.loops.map(
      ({ subject, times }) =>
        `| \`${subject}\` | ${int(times.events)} | ${int(
          times.fetches,
        )} | ${sec(times.fetchMs)} (${ms(
          times.fetchMs / Math.max(1, times.fetches),
        )} each) | ${sec(times.applyMs)} | ${sec(times.ackMs)} |`,
    ),
    '',
    `Where this process's CPU went in the first projection (V8's sampling profiler; inclusive, a sample counts for every category with a frame on its stack): busy ${sec(
      busy,
    )} of ${sec(b.initialCpu.totalMs)}: NATS client (\`@nats-io/*\`) ${sec(
      c.natsClient,
    )}, the projector ${sec(c.projector)}, the store ${sec(
      c.store,
    )} (decoding ${sec(c.decode)}, of which zod ${sec(c.zod)}; folding ${sec(
      c.fold,
    )}), knex ${sec(
      c.knex,
    )}, the PostgreSQL driver (\`pg\`, \`pg-protocol\`, its socket writes included) ${sec(
      c.pgDriver,
    )}, the benchmark's own wrappers ${sec(
      c.benchmark,
    )}, garbage collection ${sec(b.initialCpu.gcMs)}.`,
    '',
  ];
  if (!goalMet)
    lines.push(
      b.identical
        ? `The goal is missed: ${round(b.seconds, 1)} s where less than ${
            bench.rebuildGoalSeconds
          } s was asked (${int(
            b.events / bench.rebuildGoalSeconds,
          )} events/s would be needed, ${int(
            b.events / b.seconds,
          )} were reached). The time goes to the transactions: ${sec(
            f.transactionMs,
          )} of them in ${sec(b.seconds * 1000)}, of which ${sec(
            b.statementMs,
          )} waiting for PostgreSQL's answers and ${sec(
            inCode,
          )} the rest (this process's code between the statements); NATS fetches overlap them and sending the acks cost ${sec(
            f.loops.reduce((sum, l) => sum + l.times.ackMs, 0),
          )} in all. The three processes used ${round(
            (100 * cpuTotal(b.cpu)) / (b.seconds * 1000 * cores),
            0,
          )}% of the ${cores} cores' time${
            rebuildLoad
              ? `; the load average during the rebuild, ${round(
                  rebuildLoad.mean,
                  2,
                )} on average, says the other work on the machine wanted about ${round(
                  Math.max(
                    0,
                    rebuildLoad.mean - cpuTotal(b.cpu) / (b.seconds * 1000),
                  ),
                  2,
                )} cores meanwhile`
              : ''
          }.`
        : 'The rebuild did not give the same projection, so its time is not a valid figure.',
      '',
    );
  return lines.join('\n');
}

main().then(
  () => process.exit(0),
  error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  },
);
