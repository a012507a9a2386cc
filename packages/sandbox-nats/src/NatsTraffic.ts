import { randomUUID } from 'node:crypto';
import { Random } from '@internal/k8s-emulator';
import {
  buildFailed,
  bundlePublished,
  courseVersionPublished,
  draftPublished,
  enrollmentCreated,
  Envelope,
  playPackageBuilt,
  sagaCompensated,
} from './events';
import { ConsumerBacklog, Delivery, JetStreamBus } from './JetStreamBus';
import { SagaOdds, SagaPlanner, tenantsOf } from './SagaPlanner';
import {
  EVENT_STREAMS,
  itemsPerMessage,
  MAX_DELIVER,
  ROLES,
  SUBJECTS,
  workerName,
  workerSpec,
  workStreamName,
  workStreamSpec,
  workSubject,
} from './topology';
import type {
  Enrollment,
  OutboxEvent,
  RegionLoad,
  SagaPlan,
  SagaStep,
  TrafficClock,
  TrafficLogger,
  TrafficQueue,
  WorkItem,
} from './types';

/** When things happen, in real seconds (converted to simulated time by the acceleration). */
export interface TrafficSchedule {
  /** Mean time between publish sagas. */
  sagaEverySeconds: number;
  /** Mean time between poison messages on a work queue. */
  poisonEverySeconds: number;
  /** Mean time between malformed (not JSON) payloads on a saga subject. */
  badSagaEverySeconds: number;
  /** How long the catalog takes to publish a course version once it is built. */
  catalogDelaySeconds: number;
}

export const DEFAULT_SCHEDULE: TrafficSchedule = {
  sagaEverySeconds: 4,
  poisonEverySeconds: 120,
  badSagaEverySeconds: 300,
  catalogDelaySeconds: 2,
};

/** Messages a second a queue carries at the busiest region's daily peak (bursts aside). */
export const DEFAULT_MESSAGES_PER_SECOND = 20;

export interface NatsTrafficOptions {
  /** The nats-server to talk to (`nats://127.0.0.1:4222`). */
  servers: string | string[];
  /** Each region's load (the fleet's load models). */
  regions: readonly RegionLoad[];
  /** The KEDA-scaled queues (the fleet's load model's queues). */
  queues: readonly TrafficQueue[];
  /** Simulated time (the fleet's clock). */
  clock: TrafficClock;
  /** Simulated seconds per real second: scales message weights and the schedule. */
  acceleration: number;
  seed?: number;
  logger?: TrafficLogger;
  /** Default {@link DEFAULT_MESSAGES_PER_SECOND}. */
  messagesPerSecond?: number;
  schedule?: Partial<TrafficSchedule>;
  odds?: SagaOdds;
}

/** One queue in one region: its stream, its worker and what they owe each other. */
interface Lane {
  load: RegionLoad;
  queue: TrafficQueue;
  stream: string;
  subject: string;
  consumer: string;
  /** Items one message stands for. */
  weight: number;
  /** Messages owed to the stream by the producers (fractions carry over). */
  arrivalCredit: number;
  /** Messages the Ready workers may still take (fractions carry over). */
  drainCredit: number;
  backlog?: ConsumerBacklog & { at: number };
}

/** The most simulated time one tick accounts for, so a stall does not become a flood. */
const MAX_STEP_SECONDS = 60;
/** The most messages a worker takes in one fetch. */
const MAX_BATCH = 256;
/** How long a worker leaves a message it cannot parse before it sees it again. */
const POISON_RETRY_MS = 1000;
/** How long a polled backlog stays good enough for KEDA. */
const BACKLOG_STALE_MS = 15_000;
/** How long stop() waits for the tick under way. */
const STOP_WAIT_MS = 3000;
/** How often a run of failing ticks is reported. */
const ERROR_REPORT_MS = 30_000;

const noLogger: TrafficLogger = { info: () => {}, warn: () => {} };

/**
 * Realistic traffic for the sandbox's nats-server: per region and queue, producers that
 * follow the load model's day and bursts and workers that take messages off at the pace
 * of the container's Ready pods (so a backlog grows under load and drains when KEDA
 * scales out); outbox relays that publish the contract's events; publish sagas that
 * complete, stall or fail; and now and then a poison message.
 *
 * `start` connects and keeps the streams and consumers; `run` ticks every second, or a
 * test calls `tick` after moving its clock; `stop` drains the connection.
 */
export class NatsTraffic {
  private readonly lanes: Lane[];
  /** Jitter of the schedule. */
  private readonly timing: Random;
  /** Everything else that is not a saga's plan: poison targets, enrollments. */
  private readonly random: Random;
  private readonly planner: SagaPlanner;
  private readonly schedule: TrafficSchedule;
  private readonly logger: TrafficLogger;
  private readonly catalogDue: Array<{ at: number; plan: SagaPlan }> = [];
  private last: number;
  private nextSagaAt: number;
  private nextPoisonAt: number;
  private nextBadSagaAt: number;
  private needsEnsure = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private failing = false;
  private lastErrorReport = 0;

  private constructor(
    private readonly options: NatsTrafficOptions,
    private readonly bus: JetStreamBus,
  ) {
    const messagesPerSecond =
      options.messagesPerSecond ?? DEFAULT_MESSAGES_PER_SECOND;
    for (const role of Object.values(ROLES)) {
      if (!options.queues.some(q => q.name === role)) {
        throw new Error(`the sandbox traffic needs the queue ${role}`);
      }
    }
    this.lanes = options.regions.flatMap(load =>
      options.queues.map(queue => ({
        load,
        queue,
        stream: workStreamName(queue.name, load.region),
        subject: workSubject(queue.name, load.region),
        consumer: workerName(queue),
        weight: itemsPerMessage({
          queue,
          acceleration: options.acceleration,
          messagesPerSecond,
        }),
        arrivalCredit: 0,
        drainCredit: 0,
      })),
    );
    const seed = options.seed ?? 42;
    this.timing = new Random(seed * 104729 + 3);
    this.random = new Random(seed * 1299709 + 5);
    this.planner = new SagaPlanner({
      regions: options.regions.map(r => r.region),
      seed,
      odds: options.odds,
    });
    this.schedule = { ...DEFAULT_SCHEDULE, ...options.schedule };
    this.logger = options.logger ?? noLogger;
    this.last = options.clock.now();
    this.nextSagaAt = this.last + this.interval(this.schedule.sagaEverySeconds);
    this.nextPoisonAt =
      this.last + this.interval(this.schedule.poisonEverySeconds);
    this.nextBadSagaAt =
      this.last + this.interval(this.schedule.badSagaEverySeconds);
  }

  /** Connects, creates or updates every stream and consumer, and returns ready to run. */
  static async start(options: NatsTrafficOptions): Promise<NatsTraffic> {
    let traffic: NatsTraffic | undefined;
    const bus = await JetStreamBus.connect({
      servers: options.servers,
      name: 'sandbox-traffic',
      logger: options.logger ?? noLogger,
      onReconnect: () => traffic?.reconnected(),
    });
    try {
      traffic = new NatsTraffic(options, bus);
      await traffic.ensure();
    } catch (error) {
      await bus.close();
      throw error;
    }
    return traffic;
  }

  /** Names and weights, for logs and documentation. */
  topology() {
    return {
      eventStreams: EVENT_STREAMS.map(s => ({
        stream: s.name,
        subjects: s.subjects,
      })),
      workQueues: this.lanes.map(lane => ({
        region: lane.load.region,
        queue: lane.queue.name,
        stream: lane.stream,
        subject: lane.subject,
        consumer: lane.consumer,
        itemsPerMessage: lane.weight,
      })),
    };
  }

  /** One line on what runs. */
  describe(): string {
    const weights = [...new Set(this.lanes.map(l => l.queue.name))]
      .map(name => {
        const lane = this.lanes.find(l => l.queue.name === name)!;
        return `${name} x${lane.weight}`;
      })
      .join(', ');
    return (
      `sandbox NATS traffic: ${EVENT_STREAMS.length} event streams, ` +
      `${this.lanes.length} work queues <queue>-<region> (items per message: ${weights}), ` +
      `a publish saga every ~${this.schedule.sagaEverySeconds} s, ` +
      `a poison message every ~${this.schedule.poisonEverySeconds} s`
    );
  }

  /**
   * The backlog (pending + unacked messages x items per message) of a queue's worker in
   * a region, as last polled; undefined before the first poll or when NATS has not
   * answered for a while. The fleet's KEDA reads it.
   */
  backlogItems(region: string, queue: string): number | undefined {
    const lane = this.lanes.find(
      l => l.load.region === region && l.queue.name === queue,
    );
    if (!lane?.backlog || Date.now() - lane.backlog.at > BACKLOG_STALE_MS) {
      return undefined;
    }
    return (lane.backlog.pending + lane.backlog.ackPending) * lane.weight;
  }

  /** Ticks every `intervalMs` (real) until stopped; errors are logged, not thrown. */
  run(intervalMs = 1000) {
    const loop = async () => {
      this.timer = undefined;
      if (this.stopped) return;
      this.current = this.tick().then(
        () => this.recovered(),
        error => this.failed(error),
      );
      await this.current;
      if (!this.stopped) this.timer = setTimeout(loop, intervalMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /**
   * One round on the clock's current time: producers publish what arrived since the last
   * tick, the schedule starts sagas and poison, the consumers' backlogs are polled, the
   * workers take what their Ready pods can work off (a worker that took something is
   * polled again, so the backlog KEDA reads is the one after the work).
   */
  async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.needsEnsure) {
      await this.ensure();
      this.needsEnsure = false;
    }
    const now = this.options.clock.now();
    const seconds = Math.min(
      MAX_STEP_SECONDS,
      Math.max(0, (now - this.last) / 1000),
    );
    this.last = now;
    await Promise.all([
      ...this.lanes.map(lane => this.produce(lane, now, seconds)),
      this.runSchedule(now),
    ]);
    await Promise.all(this.lanes.map(lane => this.poll(lane)));
    await Promise.all(this.lanes.map(lane => this.work(lane, seconds)));
  }

  /**
   * Stops ticking, waits (a few seconds at most) for the tick under way, drains the
   * connection (closes it when the server is gone). Never throws.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.current,
      new Promise<void>(resolve => {
        timer = setTimeout(resolve, STOP_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    await this.bus
      .close()
      .catch(error =>
        this.logger.warn(`sandbox NATS traffic: closing failed: ${error}`),
      );
  }

  private reconnected() {
    // The server may have come back without its store: make sure of the streams.
    this.needsEnsure = true;
  }

  private async ensure() {
    await Promise.all(EVENT_STREAMS.map(spec => this.bus.ensureStream(spec)));
    await Promise.all(
      this.lanes.map(async lane => {
        await this.bus.ensureStream(
          workStreamSpec({
            queue: lane.queue,
            region: lane.load.region,
            itemsPerMessage: lane.weight,
          }),
        );
        await this.bus.ensureConsumer(workerSpec(lane.queue, lane.load.region));
      }),
    );
  }

  private recovered() {
    if (this.failing) {
      this.logger.info('sandbox NATS traffic resumed');
      this.failing = false;
    }
  }

  private failed(error: unknown) {
    // A tick cut short by stop() is no news.
    if (this.stopped) return;
    const now = Date.now();
    this.failing = true;
    if (now - this.lastErrorReport >= ERROR_REPORT_MS) {
      this.lastErrorReport = now;
      this.logger.warn(`sandbox NATS traffic: ${error}`);
    }
  }

  /** A jittered interval around a mean in real seconds, as simulated milliseconds. */
  private interval(meanSeconds: number): number {
    return (
      (0.5 + this.timing.next()) *
      meanSeconds *
      this.options.acceleration *
      1000
    );
  }

  private lane(queue: string, region: string): Lane {
    const lane = this.lanes.find(
      l => l.queue.name === queue && l.load.region === region,
    );
    if (!lane) throw new Error(`no work queue ${queue} in ${region}`);
    return lane;
  }

  private async produce(lane: Lane, now: number, seconds: number) {
    lane.arrivalCredit +=
      (lane.load.arrivalRate(lane.queue.name, now) * seconds) / lane.weight;
    const count = Math.floor(lane.arrivalCredit);
    lane.arrivalCredit -= count;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const item: WorkItem = {
        id: randomUUID(),
        region: lane.load.region,
        enqueuedAt: new Date().toISOString(),
        items: lane.weight,
      };
      if (lane.queue.name === ROLES.bundle) {
        item.enrollment = this.enrollment(lane.load.region);
        const created = enrollmentCreated(item.enrollment, envelope());
        sends.push(this.publishEvent(created));
      }
      sends.push(this.enqueue(lane, item));
    }
    await Promise.all(sends);
  }

  private async runSchedule(now: number) {
    const { sagaEverySeconds, poisonEverySeconds, badSagaEverySeconds } =
      this.schedule;
    // After a long pause, start afresh rather than catching up.
    const behind = (at: number, mean: number) =>
      now - at > 10 * mean * this.options.acceleration * 1000 ? now : at;
    this.nextSagaAt = behind(this.nextSagaAt, sagaEverySeconds);
    while (this.nextSagaAt <= now) {
      this.nextSagaAt += this.interval(sagaEverySeconds);
      await this.startSaga();
    }
    this.nextPoisonAt = behind(this.nextPoisonAt, poisonEverySeconds);
    while (this.nextPoisonAt <= now) {
      this.nextPoisonAt += this.interval(poisonEverySeconds);
      await this.poison();
    }
    this.nextBadSagaAt = behind(this.nextBadSagaAt, badSagaEverySeconds);
    while (this.nextBadSagaAt <= now) {
      this.nextBadSagaAt += this.interval(badSagaEverySeconds);
      await this.badSagaPayload();
    }
    for (const entry of this.catalogDue.filter(d => d.at <= now)) {
      this.catalogDue.splice(this.catalogDue.indexOf(entry), 1);
      await this.publishEvent(courseVersionPublished(entry.plan, envelope()));
    }
  }

  private async poll(lane: Lane) {
    const backlog = await this.bus.backlog(lane.stream, lane.consumer);
    lane.backlog = { ...backlog, at: Date.now() };
  }

  private async work(lane: Lane, seconds: number) {
    lane.drainCredit +=
      (lane.load.drainRate(lane.queue.name) * seconds) / lane.weight;
    const allowed = Math.min(Math.floor(lane.drainCredit), MAX_BATCH);
    const available = lane.backlog
      ? lane.backlog.pending + lane.backlog.ackPending
      : 0;
    const max = Math.min(allowed, available);
    let taken = 0;
    if (max > 0) {
      const deliveries = await this.bus.fetch(lane.stream, lane.consumer, max);
      for (const delivery of deliveries) await this.handle(lane, delivery);
      taken = deliveries.length;
    }
    if (taken > 0) await this.poll(lane);
    lane.drainCredit -= taken;
    if (taken < allowed) {
      // The queue ran dry: idle workers do not save up capacity.
      lane.drainCredit -= Math.floor(lane.drainCredit);
    }
    lane.drainCredit = Math.min(lane.drainCredit, 2 * MAX_BATCH);
  }

  private async handle(lane: Lane, delivery: Delivery) {
    const item = parseWorkItem(delivery.data);
    if (!item) {
      // A poison message: the worker cannot read it and gives it back until NATS gives up.
      delivery.nak(POISON_RETRY_MS);
      if (delivery.deliveryCount >= MAX_DELIVER) {
        this.logger.info(
          `sandbox NATS traffic: ${lane.consumer} on ${lane.stream} gave up on a poison message after ${delivery.deliveryCount} deliveries`,
        );
      }
      return;
    }
    try {
      if (item.event) await this.publishEvent(item.event);
      if (item.saga) await this.advance(item.saga.step, item.saga.plan);
      if (item.enrollment && lane.queue.name === ROLES.bundle) {
        await this.publishEvent(
          bundlePublished(item.enrollment, {
            bundleId: randomUUID(),
            envelope: envelope(),
          }),
        );
      }
    } catch (error) {
      delivery.nak(POISON_RETRY_MS);
      throw error;
    }
    await delivery.ack();
  }

  /** What the services do when a saga's step has been worked off a queue. */
  private async advance(step: SagaStep, plan: SagaPlan) {
    switch (step) {
      case 'draft-published':
        // Relayed by authoring-worker; content-service queues the build.
        if (plan.outcome !== 'stall-before-build') {
          await this.enqueueSaga(ROLES.build, plan, 'build');
        }
        return;
      case 'build':
        // content-builder wrote the result to content-service's outbox.
        if (plan.outcome === 'fail') {
          await this.enqueueSaga(
            ROLES.contentOutbox,
            plan,
            'build-failed',
            buildFailed(plan, envelope()),
          );
        } else {
          await this.enqueueSaga(
            ROLES.contentOutbox,
            plan,
            'built',
            playPackageBuilt(plan, envelope()),
          );
        }
        return;
      case 'built':
        // Relayed by content-outbox-relay; the catalog publishes the version.
        if (plan.outcome === 'complete') {
          this.catalogDue.push({
            at:
              this.options.clock.now() +
              this.schedule.catalogDelaySeconds *
                this.options.acceleration *
                1000,
            plan,
          });
        }
        return;
      case 'build-failed':
        // Relayed; authoring-worker compensates through its outbox.
        await this.enqueueSaga(
          ROLES.authoringOutbox,
          plan,
          'compensated',
          sagaCompensated(plan, envelope()),
        );
        return;
      default:
        return;
    }
  }

  private async startSaga() {
    const plan = this.planner.next();
    await this.enqueueSaga(
      ROLES.authoringOutbox,
      plan,
      'draft-published',
      draftPublished(plan, envelope()),
    );
  }

  private enqueueSaga(
    queue: string,
    plan: SagaPlan,
    step: SagaStep,
    event?: OutboxEvent,
  ) {
    return this.enqueue(this.lane(queue, plan.homeRegion), {
      id: randomUUID(),
      region: plan.homeRegion,
      enqueuedAt: new Date().toISOString(),
      items: 1,
      ...(event ? { event } : {}),
      saga: { step, plan },
    });
  }

  private enqueue(lane: Lane, item: WorkItem) {
    return this.bus.publish(lane.subject, JSON.stringify(item), {
      msgId: item.id,
    });
  }

  private publishEvent(event: OutboxEvent) {
    return this.bus.publish(event.subject, JSON.stringify(event.payload), {
      msgId: event.payload.eventId,
    });
  }

  private async poison() {
    const working = this.lanes.filter(l => l.load.drainRate(l.queue.name) > 0);
    const lane = this.pick(working.length ? working : this.lanes);
    await this.bus.publish(
      lane.subject,
      `{"id":"${randomUUID()}","region":"${lane.load.region}","items":`,
    );
    this.logger.info(`sandbox NATS traffic: poison message on ${lane.stream}`);
  }

  private async badSagaPayload() {
    const subject = this.pick([
      SUBJECTS.draftPublished,
      SUBJECTS.playPackageBuilt,
      SUBJECTS.courseVersionPublished,
    ]);
    await this.bus.publish(
      subject,
      `{"eventId":"${randomUUID()}","publishId":"${randomUUID()}","courseId":`,
    );
    this.logger.info(`sandbox NATS traffic: malformed payload on ${subject}`);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random.next() * items.length)];
  }

  private enrollment(region: string): Enrollment {
    const tenantId = this.pick(tenantsOf(region));
    const devices = 1 + Math.floor(this.random.next() * 3);
    return {
      tenantId,
      homeRegion: region,
      enrollmentId: randomUUID(),
      learnerId: randomUUID(),
      courseId: `${tenantId}-course-${String(
        1 + Math.floor(this.random.next() * 12),
      ).padStart(2, '0')}`,
      deviceIds: Array.from({ length: devices }, () => randomUUID()),
    };
  }
}

function envelope(): Envelope {
  return { eventId: randomUUID(), occurredAt: new Date().toISOString() };
}

/** A work item, or undefined for a message no worker can read (poison). */
export function parseWorkItem(data: string): WorkItem | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as Partial<WorkItem>).id !== 'string' ||
    typeof (value as Partial<WorkItem>).items !== 'number'
  ) {
    return undefined;
  }
  return value as WorkItem;
}
