import { ConfiguredStream } from './types';
import {
  ConsumerSample,
  DatabaseBacklogStore,
  StreamSample,
} from './DatabaseBacklogStore';
import { JetStreamBacklogReader } from './JetStreamBacklogReader';

/** Every configured stream once, with the union of its consumers. */
export function distinctStreams(
  services: Record<string, ConfiguredStream[]>,
): ConfiguredStream[] {
  const byName = new Map<string, ConfiguredStream>();
  for (const stream of Object.values(services).flat()) {
    const known = byName.get(stream.stream);
    if (!known) {
      byName.set(stream.stream, {
        ...stream,
        consumers: [...stream.consumers],
      });
      continue;
    }
    for (const consumer of stream.consumers)
      if (!known.consumers.some(c => c.name === consumer.name))
        known.consumers.push(consumer);
  }
  return [...byName.values()];
}

/**
 * Samples the configured streams' and consumers' figures into the database and applies
 * the retention to samples and poison messages. Streams that cannot be read (NATS down,
 * missing) are not written, so the history shows a gap rather than zeros.
 */
export class BacklogSampler {
  private readonly streams: ConfiguredStream[];

  constructor(
    private readonly options: {
      reader: JetStreamBacklogReader;
      store: DatabaseBacklogStore;
      services: Record<string, ConfiguredStream[]>;
      retentionDays: number;
      now?: () => number;
    },
  ) {
    this.streams = distinctStreams(options.services);
  }

  /** One round; returns the number of rows written. */
  async sample(): Promise<number> {
    const { reader, store, retentionDays } = this.options;
    const at = (this.options.now ?? Date.now)();
    const streams: StreamSample[] = [];
    const consumers: ConsumerSample[] = [];
    for (const reading of await reader.readStreams(this.streams)) {
      const { stream, region } = reading.stream;
      const where = { at, stream, ...(region ? { region } : {}) };
      if (reading.figures)
        streams.push({
          ...where,
          messages: reading.figures.messages,
          bytes: reading.figures.bytes,
        });
      for (const { consumer, figures } of reading.consumers)
        if (figures)
          consumers.push({
            ...where,
            consumer: consumer.name,
            pending: figures.pending,
            ackPending: figures.ackPending,
            redelivered: figures.redelivered,
          });
    }
    await store.insertSamples({ streams, consumers });
    await store.prune(at - retentionDays * 86_400_000);
    return streams.length + consumers.length;
  }
}
