import fs from 'node:fs';
import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceUnavailableError } from '@backstage/errors';
import {
  connect,
  credsAuthenticator,
  NatsConnection,
  NodeConnectionOptions,
} from '@nats-io/transport-node';
import {
  AckPolicy,
  Consumer,
  ConsumerInfo,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  JetStreamClient,
  JetStreamError,
  JetStreamManager,
  jetstream,
  jetstreamManager,
  StreamInfo,
  StreamSourceInfo,
} from '@nats-io/jetstream';
import {
  ConsumerFigures,
  NatsConnectionState,
  NatsHealth,
  StreamFigures,
  StreamSourceLag,
} from '@internal/backstage-plugin-service-ops-common';
import { NatsSettings } from './types';

const NANOS_PER_MS = 1_000_000;
const REQUEST_TIMEOUT_MS = 5000;
const MAX_CONNECT_DELAY_MS = 10_000;

/** A message taken off a durable pull consumer. */
export interface JetStreamDelivery {
  stream: string;
  subject: string;
  /** Its sequence in the stream. */
  seq: number;
  /** The body as text. */
  data: string;
  /** Epoch ms the stream stored it. */
  storedAt: number;
  deliveryCount: number;
  /** Acknowledges it (sent at once, not awaited). */
  ack(): void;
  /** Gives it back for redelivery after `delayMs`. */
  nak(delayMs: number): void;
}

/** A core NATS message as a subscription receives it. */
export interface NatsMessage {
  subject: string;
  data: string;
}

type HealthListener = (health: NatsHealth) => void;

interface Subscription {
  subject: string;
  handler: (message: NatsMessage) => void;
}

/**
 * The backend's only door to NATS: one connection that reconnects for as long as the
 * backend runs, its health, JetStream stream and consumer info, durable pull consumers
 * and core subscriptions. NATS wire types stay in this file; callers get our types.
 * Every JetStream call while not connected throws a `ServiceUnavailableError`.
 */
export class JetStreamConnection {
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private closing = false;
  private state: NatsHealth;
  private readonly listeners = new Set<HealthListener>();
  private readonly subscriptions: Subscription[] = [];
  private readonly consumers = new Map<string, Consumer>();
  private connecting?: Promise<void>;

  private constructor(
    private readonly settings: NatsSettings | undefined,
    private readonly logger: LoggerService,
    private readonly now: () => number,
  ) {
    this.state = {
      state: settings ? 'disconnected' : 'not-configured',
      since: new Date(now()).toISOString(),
    };
  }

  /**
   * Starts connecting in the background (retrying with a growing pause of up to 10 s
   * until the first connection, then reconnecting forever); without settings the
   * connection stays `not-configured`.
   */
  static start(options: {
    settings?: NatsSettings;
    logger: LoggerService;
    now?: () => number;
  }): JetStreamConnection {
    const connection = new JetStreamConnection(
      options.settings,
      options.logger,
      options.now ?? Date.now,
    );
    if (options.settings) connection.connecting = connection.connectLoop();
    return connection;
  }

  health(): NatsHealth {
    return { ...this.state };
  }

  /** Calls `listener` on every change of the health; returns the unsubscribe. */
  onHealthChange(listener: HealthListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when connected, or rejects after `timeoutMs`. */
  async waitUntilConnected(timeoutMs: number): Promise<void> {
    const deadline = this.now() + timeoutMs;
    while (this.state.state !== 'connected') {
      if (this.now() > deadline || this.closing) {
        throw new ServiceUnavailableError(this.describeUnavailable());
      }
      await sleepUnless(50, () => false);
    }
  }

  /**
   * Subscribes to a subject (wildcards allowed) for the connection's lifetime, across
   * reconnections; a handler that throws is logged, not fatal.
   */
  subscribe(subject: string, handler: (message: NatsMessage) => void): void {
    const subscription = { subject, handler };
    this.subscriptions.push(subscription);
    if (this.nc && !this.nc.isClosed())
      this.attach(this.nc, subscription.subject, subscription.handler);
  }

  /**
   * A core NATS request: sends `payload` as JSON and resolves with the reply's text.
   *
   * @throws ServiceUnavailableError while not connected, or when nobody answers in
   * `timeoutMs` (no responders, or a responder too slow)
   */
  async request(
    subject: string,
    payload: unknown,
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<string> {
    const nc = this.nc;
    if (!nc || nc.isClosed() || this.state.state !== 'connected')
      throw new ServiceUnavailableError(this.describeUnavailable());
    try {
      const reply = await nc.request(subject, JSON.stringify(payload), {
        timeout: timeoutMs,
      });
      return reply.string();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ServiceUnavailableError(
        `no answer on ${subject} within ${timeoutMs} ms: ${message}`,
      );
    }
  }

  /**
   * Publishes `payload` as JSON into the JetStream stream that stores `subject`, with
   * `Nats-Msg-Id` = `msgId`, so a repeat within the stream's duplicate window is stored
   * once (`duplicate: true`).
   *
   * @throws ServiceUnavailableError while not connected, or when no stream stores the subject
   */
  async publish(
    subject: string,
    payload: unknown,
    options: { msgId: string; timeoutMs?: number },
  ): Promise<{ stream: string; seq: number; duplicate: boolean }> {
    const js = this.js;
    if (!js || this.state.state !== 'connected')
      throw new ServiceUnavailableError(this.describeUnavailable());
    try {
      const ack = await js.publish(subject, JSON.stringify(payload), {
        msgID: options.msgId,
        timeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
      });
      return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ServiceUnavailableError(
        `could not publish ${subject} into JetStream: ${message}`,
      );
    }
  }

  /** The stream's figures; `undefined` when there is no such stream. */
  async streamFigures(stream: string): Promise<StreamFigures | undefined> {
    const jsm = this.manager();
    return jsm.streams.info(stream).then(
      info => toStreamFigures(info),
      error => notFound(error, JetStreamApiCodes.StreamNotFound),
    );
  }

  /** The consumer's figures; `undefined` when the stream or the consumer is missing. */
  async consumerFigures(
    stream: string,
    consumer: string,
  ): Promise<ConsumerFigures | undefined> {
    const jsm = this.manager();
    return jsm.consumers
      .info(stream, consumer)
      .then(toConsumerFigures, error =>
        notFound(
          error,
          JetStreamApiCodes.ConsumerNotFound,
          JetStreamApiCodes.StreamNotFound,
        ),
      );
  }

  /** The stream that stores a subject; `undefined` when none does. */
  async findStream(subject: string): Promise<string | undefined> {
    const jsm = this.manager();
    return jsm.streams
      .find(subject)
      .catch(error => notFound(error, JetStreamApiCodes.StreamNotFound));
  }

  /** A message still in a stream: its subject and the start of its body. */
  async message(
    stream: string,
    seq: number,
  ): Promise<{ subject: string; excerpt: string } | undefined> {
    const jsm = this.manager();
    const stored = await jsm.streams
      .getMessage(stream, { seq })
      .catch(error => notFound(error, JetStreamApiCodes.StreamNotFound));
    if (!stored) return undefined;
    return { subject: stored.subject, excerpt: excerpt(stored.string()) };
  }

  /**
   * Creates the durable pull consumer (explicit acks, every message from the start of
   * the stream, unlimited deliveries) unless it exists; an existing one keeps its
   * position and gets the filter and ack wait.
   */
  async ensurePullConsumer(options: {
    stream: string;
    name: string;
    filterSubject: string;
    ackWaitSeconds: number;
    description: string;
  }): Promise<void> {
    const jsm = this.manager();
    const update = {
      description: options.description,
      filter_subject: options.filterSubject,
      ack_wait: options.ackWaitSeconds * 1000 * NANOS_PER_MS,
      max_deliver: -1,
      max_ack_pending: 1000,
    };
    const exists = await jsm.consumers
      .info(options.stream, options.name)
      .then(() => true)
      .catch(error => notFound(error, JetStreamApiCodes.ConsumerNotFound));
    if (exists) {
      await jsm.consumers.update(options.stream, options.name, update);
    } else {
      await jsm.consumers.add(options.stream, {
        ...update,
        durable_name: options.name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
      });
    }
    this.consumers.delete(`${options.stream}/${options.name}`);
  }

  /** Deletes a durable consumer; `false` when it did not exist. */
  async deleteConsumer(stream: string, name: string): Promise<boolean> {
    const jsm = this.manager();
    this.consumers.delete(`${stream}/${name}`);
    return jsm.consumers
      .delete(stream, name)
      .catch(error =>
        notFound(
          error,
          JetStreamApiCodes.ConsumerNotFound,
          JetStreamApiCodes.StreamNotFound,
        ).then(() => false),
      );
  }

  /**
   * Takes up to `max` messages off a durable pull consumer, waiting at most `expiresMs`
   * when fewer are there.
   */
  async fetch(options: {
    stream: string;
    consumer: string;
    max: number;
    expiresMs: number;
  }): Promise<JetStreamDelivery[]> {
    const handle = await this.consumerHandle(options.stream, options.consumer);
    const deliveries: JetStreamDelivery[] = [];
    try {
      const messages = await handle.fetch({
        max_messages: options.max,
        expires: options.expiresMs,
      });
      for await (const message of messages) {
        deliveries.push({
          stream: options.stream,
          subject: message.subject,
          seq: message.seq,
          data: message.string(),
          storedAt: Number(message.info.timestampNanos / NANOS_PER_MS),
          deliveryCount: message.info.deliveryCount,
          ack: () => message.ack(),
          nak: delayMs => message.nak(delayMs),
        });
      }
    } catch (error) {
      this.consumers.delete(`${options.stream}/${options.consumer}`);
      // A fetch ended by missed heartbeats keeps what came; unacked messages come again.
      if (!(error instanceof JetStreamError) || deliveries.length === 0)
        throw error;
    }
    return deliveries;
  }

  /** Closes the connection (pending acks go out first, at most `drainTimeoutMs`). */
  async close(drainTimeoutMs = 2000): Promise<void> {
    this.closing = true;
    const nc = this.nc;
    if (nc && !nc.isClosed()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>(resolve => {
        timer = setTimeout(resolve, drainTimeoutMs);
      });
      const drain =
        this.state.state === 'connected'
          ? nc.drain().catch(() => undefined)
          : Promise.resolve();
      await Promise.race([drain, timeout]);
      clearTimeout(timer);
      if (!nc.isClosed()) await nc.close();
    }
    await this.connecting;
    this.setState('disconnected');
  }

  private manager(): JetStreamManager {
    if (!this.jsm || this.state.state !== 'connected')
      throw new ServiceUnavailableError(this.describeUnavailable());
    return this.jsm;
  }

  private async consumerHandle(
    stream: string,
    name: string,
  ): Promise<Consumer> {
    this.manager();
    const key = `${stream}/${name}`;
    let handle = this.consumers.get(key);
    if (!handle && this.js) {
      handle = await this.js.consumers.get(stream, name);
      this.consumers.set(key, handle);
    }
    if (!handle) throw new ServiceUnavailableError(this.describeUnavailable());
    return handle;
  }

  private describeUnavailable(): string {
    const { state, lastError, server } = this.state;
    if (state === 'not-configured')
      return 'NATS is not configured (serviceOps.nats)';
    const where = server ? ` (${server})` : '';
    const why = lastError ? `: ${lastError.message}` : '';
    return `NATS is ${state}${where}${why}`;
  }

  private connectionOptions(settings: NatsSettings): NodeConnectionOptions {
    const { credsFile, token, tls } = settings;
    return {
      servers: settings.servers,
      name: settings.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      timeout: REQUEST_TIMEOUT_MS,
      ...(token ? { token } : {}),
      ...(credsFile
        ? {
            authenticator: credsAuthenticator(
              () => new Uint8Array(fs.readFileSync(credsFile)),
            ),
          }
        : {}),
      ...(tls ? { tls } : {}),
    };
  }

  /** Connects, watches the connection until it closes, and connects again unless closing. */
  private async connectLoop(): Promise<void> {
    const settings = this.settings!;
    let delay = 250;
    while (!this.closing) {
      try {
        const nc = await connect(this.connectionOptions(settings));
        delay = 250;
        await this.adopt(nc);
        await nc.closed();
        if (!this.closing) this.setState('disconnected');
      } catch (error) {
        this.recordError(error);
        await sleepUnless(delay, () => this.closing);
        delay = Math.min(delay * 2, MAX_CONNECT_DELAY_MS);
      }
    }
  }

  private async adopt(nc: NatsConnection): Promise<void> {
    if (this.closing) {
      await nc.close();
      return;
    }
    this.nc = nc;
    this.js = jetstream(nc, { timeout: REQUEST_TIMEOUT_MS });
    this.jsm = await jetstreamManager(nc, {
      timeout: REQUEST_TIMEOUT_MS,
      checkAPI: false,
    });
    this.consumers.clear();
    for (const { subject, handler } of this.subscriptions)
      this.attach(nc, subject, handler);
    this.setState('connected', nc.getServer());
    this.logger.info(`NATS connected to ${nc.getServer()}`);
    this.watchStatus(nc);
  }

  private watchStatus(nc: NatsConnection): void {
    (async () => {
      for await (const status of nc.status()) {
        if (status.type === 'disconnect') {
          this.consumers.clear();
          this.setState('reconnecting', status.server);
          this.logger.warn(
            `NATS connection to ${status.server} lost; reconnecting`,
          );
        } else if (status.type === 'reconnect') {
          this.setState('connected', status.server);
          this.logger.info(`NATS reconnected to ${status.server}`);
        } else if (status.type === 'error') {
          this.recordError(status.error);
        }
      }
    })().catch(error => this.recordError(error));
  }

  private attach(
    nc: NatsConnection,
    subject: string,
    handler: (message: NatsMessage) => void,
  ): void {
    nc.subscribe(subject, {
      callback: (error, message) => {
        if (error) {
          this.recordError(error);
          return;
        }
        try {
          handler({ subject: message.subject, data: message.string() });
        } catch (thrown) {
          this.logger.warn(`NATS handler for ${subject} failed: ${thrown}`);
        }
      },
    });
  }

  private setState(state: NatsConnectionState, server?: string): void {
    if (this.state.state === state && (!server || server === this.state.server))
      return;
    this.state = {
      ...this.state,
      state,
      since: new Date(this.now()).toISOString(),
      ...(server ? { server } : {}),
    };
    this.emit();
  }

  private recordError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.state = {
      ...this.state,
      lastError: { message, at: new Date(this.now()).toISOString() },
    };
    this.emit();
  }

  private emit(): void {
    const health = this.health();
    for (const listener of this.listeners) listener(health);
  }
}

/** Sleeps `ms`, or less once `stop` holds (checked every 50 ms). */
export async function sleepUnless(
  ms: number,
  stop: () => boolean,
): Promise<void> {
  const until = Date.now() + ms;
  while (!stop() && Date.now() < until)
    await new Promise(resolve =>
      setTimeout(resolve, Math.min(50, until - Date.now())),
    );
}

/** Resolves `undefined` for the given JetStream API error codes, rethrows the rest. */
async function notFound(
  error: unknown,
  ...codes: number[]
): Promise<undefined> {
  if (error instanceof JetStreamApiError && codes.includes(error.code))
    return undefined;
  throw error;
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** `last_active` is an ISO time on nats-server 2.10 and later (typed as nanos). */
function isoTime(value: unknown): string | undefined {
  return typeof value === 'string' && !value.startsWith('0001-')
    ? value
    : undefined;
}

function toSourceLag(source: StreamSourceInfo): StreamSourceLag {
  return {
    name: source.name,
    lag: source.lag,
    ...(source.active >= 0
      ? { activeAgoMs: Math.round(source.active / NANOS_PER_MS) }
      : {}),
    ...(source.error ? { error: source.error.description } : {}),
  };
}

function toStreamFigures(info: StreamInfo): StreamFigures {
  const { state } = info;
  return {
    created: info.created,
    messages: state.messages,
    bytes: state.bytes,
    firstSeq: state.first_seq,
    lastSeq: state.last_seq,
    ...(isoTime(state.first_ts) ? { firstAt: state.first_ts } : {}),
    ...(isoTime(state.last_ts) ? { lastAt: state.last_ts } : {}),
    consumerCount: state.consumer_count,
    ...(info.mirror ? { mirror: toSourceLag(info.mirror) } : {}),
    ...(info.sources?.length ? { sources: info.sources.map(toSourceLag) } : {}),
  };
}

function toConsumerFigures(info: ConsumerInfo): ConsumerFigures {
  const lastDeliveredAt = isoTime(info.delivered.last_active);
  const lastAckedAt = isoTime(info.ack_floor.last_active);
  return {
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    waiting: info.num_waiting,
    backlog: info.num_pending + info.num_ack_pending,
    deliveredStreamSeq: info.delivered.stream_seq,
    ackFloorStreamSeq: info.ack_floor.stream_seq,
    ...(lastDeliveredAt ? { lastDeliveredAt } : {}),
    ...(lastAckedAt ? { lastAckedAt } : {}),
  };
}
