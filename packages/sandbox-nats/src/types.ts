/**
 * One region's load, as the sandbox fleet's load model gives it (its `LoadModel` has
 * exactly this shape): how fast work arrives on a queue and how fast the Ready pods of
 * the queue's container can take it off.
 */
export interface RegionLoad {
  /** `us`, `eu`, `me` or `ap`. */
  readonly region: string;
  /**
   * Items per simulated second arriving on the queue at `now` (simulated epoch ms):
   * the region's daily curve plus any burst.
   */
  arrivalRate(queue: string, now: number): number;
  /** Items per simulated second the queue's Ready workers can work off, now. */
  drainRate(queue: string): number;
}

/** A KEDA-scaled queue of the fleet: one JetStream work-queue stream per region. */
export interface TrafficQueue {
  /** The KEDA trigger's stream, `<container>-<metric>` (e.g. `content-builder-queue-depth`). */
  name: string;
  /** The container whose Ready pods work the queue (e.g. `content-builder`). */
  container: string;
  /** Items per simulated second arriving at the peak of a day in the busiest region. */
  peakArrival: number;
}

/** Where the simulated time comes from (the fleet's clock). */
export interface TrafficClock {
  /** Simulated epoch milliseconds. */
  now(): number;
}

/** Where the traffic reports what it does; Backstage's LoggerService and `console` fit. */
export interface TrafficLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** How a publish saga ends; decided, seeded, when it starts. */
export type SagaOutcome =
  /** draft published -> PlayPackage built -> course version published. */
  | 'complete'
  /** draft published, and content-service never builds it. */
  | 'stall-before-build'
  /** draft published -> PlayPackage built, and the catalog never publishes it. */
  | 'stall-before-catalog'
  /** draft published -> build failed -> saga compensated. */
  | 'fail';

/** Everything a publish saga's events are made of. */
export interface SagaPlan {
  publishId: string;
  tenantId: string;
  homeRegion: string;
  draftId: string;
  courseId: string;
  courseVersion: string;
  playPackageId: string;
  outcome: SagaOutcome;
  /** Why the build fails, for the `fail` outcome. */
  reason?: string;
}

/** The step of a publish saga a work item carries. */
export type SagaStep =
  | 'draft-published'
  | 'build'
  | 'built'
  | 'build-failed'
  | 'compensated';

/** An event on its subject, as an outbox row holds it until the relay publishes it. */
export interface OutboxEvent {
  subject: string;
  payload: { eventId: string; occurredAt: string } & Record<string, unknown>;
}

/**
 * The body of a message on a work-queue stream: a job or an outbox row. Background load
 * carries neither an event nor a saga; it stands for `items` items of the queue's unit.
 */
export interface WorkItem {
  id: string;
  region: string;
  enqueuedAt: string;
  /** How many items (jobs, outbox rows) of the queue this message stands for. */
  items: number;
  /** An outbox row's event, published on its subject by the relay. */
  event?: OutboxEvent;
  /** The publish saga this item belongs to, and its step. */
  saga?: { step: SagaStep; plan: SagaPlan };
  /** The enrollment a content-bundler job builds device bundles for. */
  enrollment?: Enrollment;
}

/** A learner's enrollment, as `enrollment.created.v1` carries it. */
export interface Enrollment {
  tenantId: string;
  homeRegion: string;
  enrollmentId: string;
  learnerId: string;
  courseId: string;
  deviceIds: string[];
}

/** A drain notice as a collab pod acts on it (the wire's request, read and checked). */
export interface CollabDrainNotice {
  operationId: string;
  /** The pod's name. */
  pod: string;
  /** When the pod must have no sessions left: wall-clock epoch ms, as the portal sent it. */
  deadline: number;
  reason: string;
}

/** What a pod answers to a notice: accepted with its sessions and deadline, or refused. */
export type CollabDrainOutcome =
  | {
      accepted: true;
      sessions: number;
      /** The deadline the pod drains by (wall-clock epoch ms). */
      deadline: number;
    }
  | {
      accepted: false;
      code: 'bad-request' | 'unknown-pod' | 'not-ready';
      message: string;
    };

/** What a pod answers to a cancel; refused only when the pod does not exist. */
export type CollabDrainCancelOutcome =
  | { accepted: true; cancelled: boolean; sessions: number }
  | { accepted: false; code: 'unknown-pod'; message: string };

/**
 * One region's collab pods, as the drain responder asks them (the sandbox fleet's
 * `CollabSessions` has exactly this shape).
 */
export interface CollabDrainTarget {
  /** `us`, `eu`, `me` or `ap`. */
  readonly region: string;
  /** A notice: the pod starts losing its sessions to the others, to none by the deadline. */
  drain(notice: CollabDrainNotice): CollabDrainOutcome;
  /** Withdraws the operation's notice; the pod takes its share again. */
  cancelDrain(request: {
    operationId: string;
    pod: string;
  }): CollabDrainCancelOutcome;
}
