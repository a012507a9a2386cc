import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  AckPolicy,
  jetstream,
  JetStreamClient,
  JetStreamManager,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import {
  SAGA_SUBJECTS,
  SagaStepName,
} from '@internal/backstage-plugin-service-ops-common';

/** The event streams as the sandbox (and production) keep them: one per domain prefix. */
export const EVENT_STREAMS = {
  AUTHORING_EVENTS: 'authoring.>',
  CONTENT_EVENTS: 'content.>',
  CATALOG_EVENTS: 'catalog.>',
};

/** A publisher and admin for tests: streams, consumers, events, deliveries. */
export class JetStreamFixtures {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
  ) {}

  static async connect(url: string): Promise<JetStreamFixtures> {
    const nc = await connect({ servers: url, maxReconnectAttempts: -1 });
    return new JetStreamFixtures(nc, jetstream(nc), await jetstreamManager(nc));
  }

  async eventStreams(): Promise<void> {
    for (const [name, subject] of Object.entries(EVENT_STREAMS))
      await this.jsm.streams.add({
        name,
        subjects: [subject],
        storage: StorageType.File,
      });
  }

  /** A work-queue stream with a durable pull consumer, as the sandbox's work queues. */
  async workQueue(options: {
    stream: string;
    subject: string;
    consumer: string;
    maxDeliver?: number;
  }): Promise<void> {
    await this.jsm.streams.add({
      name: options.stream,
      subjects: [options.subject],
      retention: RetentionPolicy.Workqueue,
      storage: StorageType.File,
    });
    await this.jsm.consumers.add(options.stream, {
      durable_name: options.consumer,
      ack_policy: AckPolicy.Explicit,
      max_deliver: options.maxDeliver ?? 5,
    });
  }

  /**
   * Publishes and returns the stream sequence. With a `msgId` (JetStream drops a duplicate
   * within two minutes) it retries for up to 10 s while the server is away.
   */
  async publish(
    subject: string,
    data: string,
    options: { msgId?: string } = {},
  ): Promise<number> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const ack = await this.js.publish(
          subject,
          data,
          options.msgId ? { msgID: options.msgId } : undefined,
        );
        return ack.seq;
      } catch (error) {
        if (!options.msgId || Date.now() > deadline) throw error;
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }
  }

  /** Fetches up to `max` messages and hands each to `handle` (which acks, naks or terms). */
  async deliver(options: {
    stream: string;
    consumer: string;
    max: number;
    handle: (message: {
      seq: number;
      ack(): Promise<boolean>;
      nak(delayMs?: number): void;
      term(reason?: string): void;
    }) => Promise<void> | void;
  }): Promise<number> {
    const consumer = await this.js.consumers.get(
      options.stream,
      options.consumer,
    );
    const messages = await consumer.fetch({
      max_messages: options.max,
      expires: 1000,
    });
    let count = 0;
    for await (const message of messages) {
      count++;
      await options.handle({
        seq: message.seq,
        ack: () => message.ackAck(),
        nak: delayMs => message.nak(delayMs),
        term: reason => message.term(reason),
      });
    }
    return count;
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}

/** The five saga events of one saga as the sandbox publishes them (catalog/apis.yaml). */
export function sagaEvent(options: {
  publishId: string;
  step: SagaStepName;
  occurredAt: string;
  region?: string;
}): { subject: string; data: string } {
  const { publishId, step, occurredAt } = options;
  const common = {
    eventId: `${publishId}-${step}`,
    occurredAt,
    tenantId: 'tenant-eu-1',
    publishId,
    courseId: `course-${publishId}`,
    courseVersion: '3',
  };
  const extras: Record<SagaStepName, Record<string, unknown>> = {
    'draft-published': {
      draftId: `draft-${publishId}`,
      homeRegion: options.region ?? 'eu',
    },
    built: {
      playPackageId: `pp-${publishId}`,
      manifestUrl: 'https://cdn.example/m.json',
    },
    'build-failed': { reason: 'asset missing' },
    'course-version-published': {},
    compensated: { reason: 'PlayPackage build failed: asset missing' },
  };
  return {
    subject: SAGA_SUBJECTS[step],
    data: JSON.stringify({ ...common, ...extras[step] }),
  };
}
