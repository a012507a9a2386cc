import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  JetStreamError,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type {
  Consumer,
  JetStreamClient,
  JetStreamManager,
  StreamConfig,
} from '@nats-io/jetstream';
import type { ConsumerSpec, StreamSpec } from './topology';
import type { TrafficLogger } from './types';

const SECOND_NS = 1_000_000_000;

/** A message taken off a work queue, to be acked or given back. */
export interface Delivery {
  /** The message body, as text. */
  data: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  /** Acks and waits until the server has taken the ack (so a backlog read next is exact). */
  ack(): Promise<void>;
  /** Gives the message back for redelivery after `delayMs`. */
  nak(delayMs: number): void;
}

/** What a durable consumer has yet to finish: KEDA's lag. */
export interface ConsumerBacklog {
  /** Messages not yet delivered. */
  pending: number;
  /** Messages delivered and not yet acked. */
  ackPending: number;
}

/**
 * The sandbox traffic's only door to NATS: a connection that reconnects for as long as
 * it lives, JetStream streams and consumers kept in the shape of our specs, publishing,
 * and fetching from durable pull consumers. Wire types stay in this file.
 */
export class JetStreamBus {
  private readonly consumers = new Map<string, Consumer>();
  private connected = true;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /**
   * Connects (waiting for the server if it is not up yet) and reconnects forever;
   * `onReconnect` runs after each reconnection (the server may have lost its store).
   */
  static async connect(options: {
    servers: string | string[];
    name: string;
    logger: TrafficLogger;
    onReconnect?: () => void;
  }): Promise<JetStreamBus> {
    const nc = await connect({
      servers: options.servers,
      name: options.name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: true,
    });
    const bus = new JetStreamBus(
      nc,
      jetstream(nc, { timeout: 5000 }),
      await jetstreamManager(nc, { timeout: 5000 }),
    );
    bus.watch(options.logger, options.onReconnect);
    return bus;
  }

  private watch(logger: TrafficLogger, onReconnect?: () => void) {
    (async () => {
      for await (const status of this.nc.status()) {
        if (status.type === 'disconnect') {
          this.connected = false;
          logger.warn(`NATS connection to ${status.server} lost; reconnecting`);
        } else if (status.type === 'reconnect') {
          this.connected = true;
          logger.info(`NATS reconnected to ${status.server}`);
          this.consumers.clear();
          onReconnect?.();
        }
      }
    })().catch(error => logger.warn(`NATS status watch ended: ${error}`));
  }

  /** Creates the stream, or brings an existing one to the spec. */
  async ensureStream(spec: StreamSpec): Promise<void> {
    const config: Partial<StreamConfig> & { name: string } = {
      name: spec.name,
      subjects: spec.subjects,
      description: spec.description,
      retention:
        spec.retention === 'workqueue'
          ? RetentionPolicy.Workqueue
          : RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: spec.maxAgeHours * 3600 * SECOND_NS,
      max_bytes: spec.maxBytes,
      max_msgs: spec.maxMessages,
      num_replicas: 1,
      duplicate_window: 120 * SECOND_NS,
    };
    const exists = await this.jsm.streams.info(spec.name).then(
      () => true,
      error => {
        if (isApiError(error, JetStreamApiCodes.StreamNotFound)) return false;
        throw error;
      },
    );
    if (exists) {
      await this.jsm.streams.update(spec.name, config);
    } else {
      await this.jsm.streams.add(config);
    }
  }

  /** Creates the durable pull consumer, or brings an existing one to the spec. */
  async ensureConsumer(spec: ConsumerSpec): Promise<void> {
    const config = {
      durable_name: spec.name,
      description: spec.description,
      ack_policy: AckPolicy.Explicit,
      max_deliver: spec.maxDeliver,
      ack_wait: spec.ackWaitSeconds * SECOND_NS,
      max_ack_pending: spec.maxAckPending,
    };
    const exists = await this.jsm.consumers.info(spec.stream, spec.name).then(
      () => true,
      error => {
        if (isApiError(error, JetStreamApiCodes.ConsumerNotFound)) return false;
        throw error;
      },
    );
    if (exists) {
      const { durable_name: _name, ...update } = config;
      await this.jsm.consumers.update(spec.stream, spec.name, update);
    } else {
      await this.jsm.consumers.add(spec.stream, config);
    }
    this.consumers.delete(`${spec.stream}/${spec.name}`);
  }

  /**
   * Publishes to a stream and waits for its acknowledgement; `msgId` lets JetStream
   * drop a duplicate within two minutes.
   */
  async publish(
    subject: string,
    data: string,
    options: { msgId?: string } = {},
  ): Promise<void> {
    await this.js.publish(
      subject,
      data,
      options.msgId ? { msgID: options.msgId } : undefined,
    );
  }

  /**
   * Takes up to `max` messages off a durable pull consumer; waits at most a second
   * when fewer are there.
   */
  async fetch(
    stream: string,
    consumer: string,
    max: number,
  ): Promise<Delivery[]> {
    const key = `${stream}/${consumer}`;
    let handle = this.consumers.get(key);
    if (!handle) {
      handle = await this.js.consumers.get(stream, consumer);
      this.consumers.set(key, handle);
    }
    const messages = await handle.fetch({ max_messages: max, expires: 1000 });
    const deliveries: Delivery[] = [];
    try {
      for await (const message of messages) {
        deliveries.push({
          data: message.string(),
          deliveryCount: message.info.deliveryCount,
          ack: async () => {
            if (!(await message.ackAck())) {
              throw new Error(`${stream}: the server did not confirm an ack`);
            }
          },
          nak: delayMs => message.nak(delayMs),
        });
      }
    } catch (error) {
      // A busy event loop can miss the pull's idle heartbeats; the client then ends the
      // fetch. Whatever came is ours; anything else unacked is redelivered by NATS.
      if (!isMissedHeartbeats(error)) throw error;
    }
    return deliveries;
  }

  async backlog(stream: string, consumer: string): Promise<ConsumerBacklog> {
    const info = await this.jsm.consumers.info(stream, consumer);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  }

  /**
   * Drains the connection (pending publishes and acks go out) and closes it; closes it
   * at once when the server is gone, or after `drainTimeoutMs` if draining hangs.
   */
  async close(drainTimeoutMs = 3000): Promise<void> {
    if (this.nc.isClosed()) return;
    if (this.connected) {
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        this.nc.drain().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>(resolve => {
          timer = setTimeout(() => resolve(false), drainTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (drained) return;
    }
    if (!this.nc.isClosed()) await this.nc.close();
  }
}

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

function isMissedHeartbeats(error: unknown): boolean {
  return (
    error instanceof JetStreamError && error.message === 'heartbeats missed'
  );
}
