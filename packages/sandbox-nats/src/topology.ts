import type { TrafficQueue } from './types';

/** Subjects of the event contract (catalog/apis.yaml) that the traffic publishes. */
export const SUBJECTS = {
  draftPublished: 'authoring.course_draft.published.v1',
  playPackageBuilt: 'content.play_package.built.v1',
  buildFailed: 'content.play_package.build_failed.v1',
  sagaCompensated: 'authoring.publish_saga.compensated.v1',
  courseVersionPublished: 'catalog.course_version.published.v1',
  enrollmentCreated: 'enrollment.created.v1',
  bundlePublished: 'content.play_package.bundle.published.v1',
} as const;

/** The subjects that carry the publish saga (`publishId` correlates them). */
export const SAGA_SUBJECTS: readonly string[] = [
  SUBJECTS.draftPublished,
  SUBJECTS.playPackageBuilt,
  SUBJECTS.buildFailed,
  SUBJECTS.sagaCompensated,
  SUBJECTS.courseVersionPublished,
];

/** The queues (KEDA streams) that play a part in the publish saga and the events. */
export const ROLES = {
  /** authoring-worker relays authoring-service's outbox. */
  authoringOutbox: 'authoring-worker-outbox-backlog',
  /** content-outbox-relay relays content-service's outbox. */
  contentOutbox: 'content-outbox-relay-outbox-backlog',
  /** content-builder builds PlayPackages. */
  build: 'content-builder-queue-depth',
  /** content-bundler builds per-device bundles on enrollment. */
  bundle: 'content-bundler-queue-depth',
} as const;

const MIB = 1024 * 1024;

/** A JetStream stream the traffic keeps, in the terms of our domain. */
export interface StreamSpec {
  name: string;
  subjects: string[];
  description: string;
  /** `limits`: events kept for their age; `workqueue`: a message leaves when acked. */
  retention: 'limits' | 'workqueue';
  maxAgeHours: number;
  maxBytes: number;
  maxMessages: number;
}

/** A durable pull consumer the traffic keeps. */
export interface ConsumerSpec {
  stream: string;
  name: string;
  description: string;
  maxDeliver: number;
  ackWaitSeconds: number;
  maxAckPending: number;
}

/**
 * The authoring aggregates whose events AUTHORING_EVENTS keeps (`authoring.course_draft.>`,
 * `authoring.publish_saga.>`), rather than all of `authoring.>`: the collab drain's
 * request/reply subjects (`authoring.collab.v1.<region>.<pod>.drain`) are under the same
 * prefix, and a stream whose subjects cover a request acks it, racing the pod's reply.
 */
const AUTHORING_EVENT_SUBJECTS = [
  ...new Set(
    Object.values(SUBJECTS)
      .filter(subject => subject.startsWith('authoring.'))
      .map(subject => `${subject.split('.').slice(0, 2).join('.')}.>`),
  ),
];

/**
 * The content aggregates whose events CONTENT_EVENTS keeps (`content.play_package.>`,
 * and `content.signing_key.>` for the key rotations the portal publishes) rather than all
 * of `content.>`: the key administration's request/reply subjects (`content.keys.v1.…`)
 * are under the same prefix.
 */
const CONTENT_EVENT_SUBJECTS = [
  ...new Set(
    Object.values(SUBJECTS)
      .filter(subject => subject.startsWith('content.'))
      .map(subject => `${subject.split('.').slice(0, 2).join('.')}.>`),
  ),
  'content.signing_key.>',
];

/**
 * Event streams: one per domain, limits-based, a day of history, 64 MiB each. Each
 * keeps its domain's event aggregates (catalog and enrollment their whole prefix).
 */
export const EVENT_STREAMS: readonly StreamSpec[] = (
  [
    ['AUTHORING_EVENTS', AUTHORING_EVENT_SUBJECTS, 'authoring-service events'],
    ['CONTENT_EVENTS', CONTENT_EVENT_SUBJECTS, 'content-service events'],
    ['CATALOG_EVENTS', ['catalog.>'], 'catalog-service events'],
    ['ENROLLMENT_EVENTS', ['enrollment.>'], 'enrollment events'],
  ] as const
).map(([name, subjects, what]) => ({
  name,
  subjects: [...subjects],
  description: `${what} (sandbox traffic)`,
  retention: 'limits',
  maxAgeHours: 24,
  maxBytes: 64 * MIB,
  maxMessages: -1,
}));

/** Delivery attempts before NATS gives up on a message (and emits MAX_DELIVERIES). */
export const MAX_DELIVER = 5;

/** The work-queue stream of a queue in a region: `<container>-<metric>-<region>`. */
export const workStreamName = (queue: string, region: string) =>
  `${queue}-${region}`;

/** The subject a queue's producers publish to in a region. */
export const workSubject = (queue: string, region: string) =>
  `work.${region}.${queue}`;

/** The durable consumer of a queue: `<container>-worker`, as the KEDA trigger names it. */
export const workerName = (queue: TrafficQueue) => `${queue.container}-worker`;

/**
 * How many items (jobs, outbox rows) one message on a queue's stream stands for, so that
 * the busiest region's peak produces at most `messagesPerSecond` messages a second on
 * the queue at the given acceleration. 1 for the slow queues.
 */
export function itemsPerMessage(options: {
  queue: TrafficQueue;
  acceleration: number;
  messagesPerSecond: number;
}): number {
  const { queue, acceleration, messagesPerSecond } = options;
  return Math.max(
    1,
    Math.ceil((queue.peakArrival * acceleration) / messagesPerSecond),
  );
}

export function workStreamSpec(options: {
  queue: TrafficQueue;
  region: string;
  itemsPerMessage: number;
}): StreamSpec {
  const { queue, region } = options;
  const unit =
    options.itemsPerMessage === 1
      ? '1 message = 1 item'
      : `1 message = ${options.itemsPerMessage} items`;
  return {
    name: workStreamName(queue.name, region),
    subjects: [workSubject(queue.name, region)],
    description: `${queue.container} work queue in ${region} (sandbox traffic; ${unit})`,
    retention: 'workqueue',
    maxAgeHours: 24,
    maxBytes: 16 * MIB,
    maxMessages: 100_000,
  };
}

export function workerSpec(queue: TrafficQueue, region: string): ConsumerSpec {
  return {
    stream: workStreamName(queue.name, region),
    name: workerName(queue),
    description: `${queue.container} in ${region} (sandbox traffic)`,
    maxDeliver: MAX_DELIVER,
    ackWaitSeconds: 30,
    maxAckPending: 1000,
  };
}
