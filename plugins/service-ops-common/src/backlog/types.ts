/**
 * The backend's connection to NATS:
 * - `connected`: the connection is up;
 * - `reconnecting`: it was up and dropped; the backend retries for as long as it runs;
 * - `disconnected`: not up and never was since the backend started (the first attempts
 *   failed), or closed at shutdown;
 * - `not-configured`: `serviceOps.nats` is not in the app-config.
 */
export type NatsConnectionState =
  | 'connected'
  | 'reconnecting'
  | 'disconnected'
  | 'not-configured';

export interface NatsHealth {
  state: NatsConnectionState;
  /** ISO time the connection entered this state. */
  since: string;
  /** The server connected to, or last connected to. */
  server?: string;
  /** The last error the connection reported (refused, authorization, TLS, ...). */
  lastError?: { message: string; at: string };
}

/** How far a mirror or a source of a stream is behind its origin. */
export interface StreamSourceLag {
  name: string;
  /** Messages behind. */
  lag: number;
  /** Milliseconds since the origin was last heard from; absent when never. */
  activeAgoMs?: number;
  error?: string;
}

/** A JetStream stream's figures, as the server's stream info gives them. */
export interface StreamFigures {
  /** ISO time the stream was created; a recreated stream starts its sequences again. */
  created: string;
  messages: number;
  bytes: number;
  firstSeq: number;
  lastSeq: number;
  /** ISO time of the first and last message held. */
  firstAt?: string;
  lastAt?: string;
  consumerCount: number;
  mirror?: StreamSourceLag;
  sources?: StreamSourceLag[];
}

/** A durable consumer's figures, as the server's consumer info gives them. */
export interface ConsumerFigures {
  /** Messages not delivered yet (`num_pending`). */
  pending: number;
  /** Messages delivered and not acked yet (`num_ack_pending`). */
  ackPending: number;
  /** Messages delivered more than once (`num_redelivered`). */
  redelivered: number;
  /** Pull requests waiting (`num_waiting`): idle workers. */
  waiting: number;
  /** `pending + ackPending`: the figure KEDA's JetStream scaler scales on. */
  backlog: number;
  /** Stream sequence of the last message delivered. */
  deliveredStreamSeq: number;
  /** Stream sequence below which every message is acked (the ack floor). */
  ackFloorStreamSeq: number;
  /** ISO time of the last delivery and the last ack (nats-server 2.10 and later). */
  lastDeliveredAt?: string;
  lastAckedAt?: string;
}

/**
 * The threshold a consumer's backlog is compared with: the KEDA trigger of the consumer's
 * container in the declared model (the topology document), or one set in the app-config.
 */
export interface BacklogThreshold {
  value: number;
  /** `total`: the whole backlog; `pod`: per Ready pod of the container. */
  per: 'pod' | 'total';
  /** Where the number comes from: `<document url>#L<line>`, or the app-config's text. */
  source: string;
  origin: 'declared' | 'config';
  /** The trigger as the document wrote it, e.g. `queue depth > 50`. */
  text?: string;
}

/**
 * A backlog against its threshold:
 * - `above`: more items than the threshold (KEDA scales out);
 * - `below`: at or under it;
 * - `unknown`: no figures, no threshold, or a per-pod threshold without a pod count.
 */
export type BacklogLevel = 'above' | 'below' | 'unknown';

export interface ConsumerBacklog {
  name: string;
  /** The container whose workers drain the consumer. */
  container?: string;
  threshold?: BacklogThreshold;
  /** How many work items one message stands for (1 unless configured). */
  itemsPerMessage: number;
  /** Absent when the consumer could not be read; `error` says why. */
  figures?: ConsumerFigures;
  /** The backlog in items: `figures.backlog x itemsPerMessage`. */
  items?: number;
  level: BacklogLevel;
  error?: string;
}

export interface StreamBacklog {
  stream: string;
  /** The region the stream serves, when one stream per region is configured. */
  region?: string;
  /** Absent when the stream could not be read; `error` says why. */
  figures?: StreamFigures;
  error?: string;
  consumers: ConsumerBacklog[];
}

/** `GET /backlog?entityRef=`: the configured streams and consumers of an entity, now. */
export interface EntityBacklog {
  entityRef: string;
  /** The `serviceOps.backlog.services` key the streams are configured under. */
  service: string;
  /** ISO time of the reading. */
  readAt: string;
  nats: NatsHealth;
  streams: StreamBacklog[];
  /** Why a threshold could not be taken from the declared model. */
  problems: string[];
}

export interface StreamHistoryPoint {
  at: string;
  messages: number;
  bytes: number;
}

export interface ConsumerHistoryPoint {
  at: string;
  pending: number;
  ackPending: number;
  redelivered: number;
  backlog: number;
}

export interface StreamHistorySeries {
  stream: string;
  region?: string;
  points: StreamHistoryPoint[];
}

export interface ConsumerHistorySeries {
  stream: string;
  region?: string;
  consumer: string;
  container?: string;
  threshold?: BacklogThreshold;
  itemsPerMessage: number;
  points: ConsumerHistoryPoint[];
}

/** `GET /backlog/history?entityRef=&window=`: sampled figures, at most 360 per series. */
export interface BacklogHistory {
  entityRef: string;
  from: string;
  to: string;
  /** How often the backend samples (`serviceOps.backlog.intervalSeconds`). */
  intervalSeconds: number;
  nats: NatsHealth;
  streams: StreamHistorySeries[];
  consumers: ConsumerHistorySeries[];
}

/**
 * A message a consumer gave up on:
 * - `max-deliveries`: delivered `max_deliver` times without an ack
 *   (`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES`);
 * - `terminated`: its worker terminated it (`$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED`).
 */
export interface PoisonMessage {
  kind: 'max-deliveries' | 'terminated';
  stream: string;
  consumer: string;
  streamSeq: number;
  deliveries: number;
  /** ISO time of the advisory. */
  at: string;
  /** The worker's reason, for `terminated` when it gave one. */
  reason?: string;
  /** The message's subject and the start of its body, when still in the stream. */
  subject?: string;
  excerpt?: string;
}

/** `GET /poison?entityRef=`: the poison messages of the entity's consumers, newest first. */
export interface PoisonList {
  entityRef: string;
  nats: NatsHealth;
  items: PoisonMessage[];
}
