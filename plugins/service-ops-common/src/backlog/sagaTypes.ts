import type { NatsHealth } from './types';

/** A step of the publish saga; each is one event subject (see `SAGA_SUBJECTS`). */
export type SagaStepName =
  | 'draft-published'
  | 'built'
  | 'build-failed'
  | 'course-version-published'
  | 'compensated';

/**
 * The state of a publish saga:
 * - `running`: started, the next step is not overdue;
 * - `stuck`: running (or failed and not compensated) and the next step is overdue;
 *   derived when asked, never stored;
 * - `completed`: the course version is published;
 * - `failed`: the build failed, compensation has not arrived (yet);
 * - `compensated`: the failed publish was undone.
 */
export type SagaState =
  | 'running'
  | 'stuck'
  | 'completed'
  | 'failed'
  | 'compensated';

export const SAGA_STATES: readonly SagaState[] = [
  'running',
  'stuck',
  'completed',
  'failed',
  'compensated',
];

/** One event of a saga as projected, in the order of its time. */
export interface SagaStepRecord {
  step: SagaStepName;
  subject: string;
  stream: string;
  /** The event's sequence in its stream. */
  seq: number;
  /** ISO time of the event (`occurredAt`). */
  occurredAt: string;
  eventId?: string;
  /** Why the build failed or what was compensated. */
  reason?: string;
}

export interface SagaInstance {
  /** The correlation id of the saga: `publishId`. */
  id: string;
  state: SagaState;
  /** The furthest step reached. */
  currentStep: SagaStepName;
  /** The step that should come next; absent once the saga has ended. */
  expectedStep?: SagaStepName;
  /** ISO time the next step is due; absent once the saga has ended. */
  dueAt?: string;
  /** For `stuck`: seconds since the next step became overdue. */
  overdueSeconds?: number;
  /** ISO time of the first step (the draft published, when seen). */
  startedAt: string;
  /** ISO time of the last step. */
  updatedAt: string;
  /** The tenant's home region (`homeRegion`). */
  region?: string;
  tenantId?: string;
  courseId?: string;
  courseVersion?: string;
  draftId?: string;
  playPackageId?: string;
  failureReason?: string;
}

export interface SagaInstanceDetail extends SagaInstance {
  steps: SagaStepRecord[];
}

/** A saga event the projection could not use, acked so that it is not redelivered. */
export interface MalformedSagaEvent {
  stream: string;
  seq: number;
  subject: string;
  reason: string;
  /** The start of the body as received. */
  excerpt: string;
  /** ISO time the projection received it. */
  receivedAt: string;
}

/** One durable consumer of the projection: one per saga subject. */
export interface SagaProjectorConsumer {
  subject: string;
  /** The stream holding the subject; absent while no stream does. */
  stream?: string;
  name: string;
  /** Events not projected yet (`num_pending + num_ack_pending`). */
  backlog?: number;
  error?: string;
}

/** A rebuild of the projection from the streams. */
export interface SagaRebuildStatus {
  state: 'running' | 'done' | 'failed';
  /**
   * While running: `replaying` the streams into the sagas' steps (the sagas themselves
   * are not written yet), then `folding` every saga from its steps, once.
   */
  phase?: 'replaying' | 'folding';
  /** The folding's progress, in sagas. */
  folding?: { folded: number; total: number };
  startedAt: string;
  finishedAt?: string;
  /** Events in the streams when the replay started. */
  total: number;
  /** Events still to replay. */
  remaining: number;
  error?: string;
}

/**
 * The projector:
 * - `running`: its consumers are pulling;
 * - `starting`: waiting for NATS or for the streams of the saga subjects;
 * - `rebuilding`: the projection is being replayed from the streams;
 * - `stopped`: shut down;
 * - `not-configured`: no NATS configured.
 */
export interface SagaProjectorStatus {
  state: 'running' | 'starting' | 'rebuilding' | 'stopped' | 'not-configured';
  consumers: SagaProjectorConsumer[];
  /** ISO time the last event was projected. */
  lastEventAt?: string;
  lastError?: { message: string; at: string };
  rebuild?: SagaRebuildStatus;
}

/** `GET /sagas`. */
export interface SagaList {
  items: SagaInstance[];
  totalCount: number;
  limit: number;
  offset: number;
  nats: NatsHealth;
  projector: SagaProjectorStatus;
}

/** `GET /sagas/counts`. */
export interface SagaCounts {
  counts: Record<SagaState, number>;
  total: number;
  /** Malformed events received so far. */
  malformed: number;
  nats: NatsHealth;
  projector: SagaProjectorStatus;
}

/** `GET /sagas/malformed`. */
export interface MalformedSagaEventList {
  items: MalformedSagaEvent[];
  totalCount: number;
}

/** `GET /sagas/:id`. */
export interface SagaInstanceResponse {
  instance: SagaInstanceDetail;
  nats: NatsHealth;
  projector: SagaProjectorStatus;
}
