import type {
  BacklogHistory,
  EntityBacklog,
  NatsHealth,
  PoisonList,
  SagaCounts,
  SagaInstance,
  SagaInstanceResponse,
  SagaList,
  SagaProjectorStatus,
} from '@internal/backstage-plugin-service-ops-common';
import type { ServiceOpsApi } from '../api';
import { SERVICE_REF } from './snapshots';

/** The time the fixtures are read at. */
export const BACKLOG_READ_AT = '2026-11-20T10:00:00.000Z';

export const connectedNats: NatsHealth = {
  state: 'connected',
  since: '2026-11-20T09:00:00.000Z',
  server: 'nats://127.0.0.1:4222',
};

const projector: SagaProjectorStatus = {
  state: 'running',
  consumers: [],
  lastEventAt: '2026-11-20T09:59:00.000Z',
};

const threshold50 = {
  value: 50,
  per: 'total' as const,
  origin: 'declared' as const,
  source: 'https://git.example.com/topology/content-service.md#L42',
  text: 'queue depth > 50',
};

function figures(pending: number, ackPending: number) {
  return {
    pending,
    ackPending,
    redelivered: 2,
    waiting: 1,
    backlog: pending + ackPending,
    deliveredStreamSeq: 900,
    ackFloorStreamSeq: 880,
    lastDeliveredAt: '2026-11-20T09:59:50.000Z',
    lastAckedAt: '2026-11-20T09:59:40.000Z',
  };
}

function streamFigures(messages: number) {
  return {
    created: '2026-11-19T00:00:00.000Z',
    messages,
    bytes: messages * 100,
    firstSeq: 1,
    lastSeq: messages,
    consumerCount: 1,
  };
}

/**
 * content-service's backlog: content-builder in us is above its threshold (40 messages
 * x 3 items = 120 > 50), in eu below (4 x 3 = 12).
 */
export function buildBacklog(nats: NatsHealth = connectedNats): EntityBacklog {
  return {
    entityRef: SERVICE_REF,
    service: 'content-service',
    readAt: BACKLOG_READ_AT,
    nats,
    problems: [],
    streams: [
      {
        stream: 'content-builder-queue-depth-us',
        region: 'us',
        figures: streamFigures(1000),
        consumers: [
          {
            name: 'content-builder-worker',
            container: 'content-builder',
            threshold: threshold50,
            itemsPerMessage: 3,
            figures: figures(30, 10),
            items: 120,
            level: 'above',
          },
        ],
      },
      {
        stream: 'content-builder-queue-depth-eu',
        region: 'eu',
        figures: streamFigures(500),
        consumers: [
          {
            name: 'content-builder-worker',
            container: 'content-builder',
            threshold: threshold50,
            itemsPerMessage: 3,
            figures: figures(3, 1),
            items: 12,
            level: 'below',
          },
        ],
      },
    ],
  };
}

/** The same streams while NATS is reconnecting: every consumer unknown, with why. */
export function buildUnreachableBacklog(
  state: 'reconnecting' | 'disconnected' = 'disconnected',
): EntityBacklog {
  const backlog = buildBacklog({
    state,
    since: '2026-11-20T09:58:00.000Z',
    server: 'nats://127.0.0.1:4222',
    lastError: {
      message: 'connect ECONNREFUSED 127.0.0.1:4222',
      at: '2026-11-20T09:59:55.000Z',
    },
  });
  return {
    ...backlog,
    streams: backlog.streams.map(stream => ({
      stream: stream.stream,
      region: stream.region,
      error: `NATS is ${state} (connect ECONNREFUSED 127.0.0.1:4222)`,
      consumers: stream.consumers.map(consumer => ({
        name: consumer.name,
        container: consumer.container,
        threshold: consumer.threshold,
        itemsPerMessage: consumer.itemsPerMessage,
        level: 'unknown' as const,
        error: `NATS is ${state} (connect ECONNREFUSED 127.0.0.1:4222)`,
      })),
    })),
  };
}

export function buildBacklogHistory(
  nats: NatsHealth = connectedNats,
): BacklogHistory {
  const points = [0, 1, 2].map(i => ({
    at: new Date(Date.parse(BACKLOG_READ_AT) - (2 - i) * 60_000).toISOString(),
    pending: 10 * i,
    ackPending: i,
    redelivered: 0,
    backlog: 11 * i,
  }));
  return {
    entityRef: SERVICE_REF,
    from: '2026-11-20T09:00:00.000Z',
    to: BACKLOG_READ_AT,
    intervalSeconds: 10,
    nats,
    streams: [],
    consumers: [
      {
        stream: 'content-builder-queue-depth-us',
        region: 'us',
        consumer: 'content-builder-worker',
        container: 'content-builder',
        threshold: threshold50,
        itemsPerMessage: 3,
        points,
      },
    ],
  };
}

export function buildPoison(nats: NatsHealth = connectedNats): PoisonList {
  return {
    entityRef: SERVICE_REF,
    nats,
    items: [
      {
        kind: 'max-deliveries',
        stream: 'content-builder-queue-depth-us',
        consumer: 'content-builder-worker',
        streamSeq: 4711,
        deliveries: 5,
        at: '2026-11-20T09:55:00.000Z',
        subject: 'content-builder.queue-depth.us',
        excerpt: '{"job":"build"',
      },
    ],
  };
}

export const runningSaga: SagaInstance = {
  id: 'pub-0001-aaaa-bbbb-cccc',
  state: 'running',
  currentStep: 'built',
  expectedStep: 'course-version-published',
  dueAt: '2026-11-20T10:09:00.000Z',
  startedAt: '2026-11-20T09:58:00.000Z',
  updatedAt: '2026-11-20T09:59:00.000Z',
  region: 'eu',
  courseId: 'course-42',
  draftId: 'draft-7',
};

export const stuckSaga: SagaInstance = {
  id: 'pub-0002-dddd-eeee-ffff',
  state: 'stuck',
  currentStep: 'draft-published',
  expectedStep: 'built',
  dueAt: '2026-11-20T09:45:00.000Z',
  overdueSeconds: 900,
  startedAt: '2026-11-20T09:30:00.000Z',
  updatedAt: '2026-11-20T09:30:00.000Z',
  region: 'us',
  courseId: 'course-43',
};

export function buildSagaList(
  items: SagaInstance[] = [runningSaga, stuckSaga],
): SagaList {
  return {
    items,
    totalCount: items.length,
    limit: 50,
    offset: 0,
    nats: connectedNats,
    projector,
  };
}

export function buildSagaCounts(): SagaCounts {
  return {
    counts: { running: 1, stuck: 1, completed: 7, failed: 0, compensated: 2 },
    total: 11,
    malformed: 3,
    nats: connectedNats,
    projector,
  };
}

export function buildSagaInstance(
  saga: SagaInstance = runningSaga,
): SagaInstanceResponse {
  return {
    instance: {
      ...saga,
      steps: [
        {
          step: 'draft-published',
          subject: 'authoring.course_draft.published.v1',
          stream: 'AUTHORING_EVENTS',
          seq: 101,
          occurredAt: '2026-11-20T09:58:00.000Z',
        },
        {
          step: 'built',
          subject: 'content.play_package.built.v1',
          stream: 'CONTENT_EVENTS',
          seq: 202,
          occurredAt: '2026-11-20T09:59:00.000Z',
        },
      ],
    },
    nats: connectedNats,
    projector,
  };
}

/**
 * The backlog and saga methods of the API answering with the fixtures above, for fakes
 * of the API in tests of other views.
 */
export function backlogApiFixtures(): Pick<
  ServiceOpsApi,
  | 'getBacklog'
  | 'getBacklogHistory'
  | 'getPoison'
  | 'getSagas'
  | 'getSagaCounts'
  | 'getSaga'
> {
  return {
    getBacklog: async () => buildBacklog(),
    getBacklogHistory: async () => buildBacklogHistory(),
    getPoison: async () => buildPoison(),
    getSagas: async () => buildSagaList(),
    getSagaCounts: async () => buildSagaCounts(),
    getSaga: async () => buildSagaInstance(),
  };
}
