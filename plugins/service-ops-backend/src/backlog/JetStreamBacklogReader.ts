import {
  classifyBacklog,
  ConsumerBacklog,
  ConsumerFigures,
  DeclaredContainer,
  StreamBacklog,
  StreamFigures,
} from '@internal/backstage-plugin-service-ops-common';
import { JetStreamConnection } from './JetStreamConnection';
import { resolveThreshold } from './resolveThreshold';
import { ConfiguredConsumer, ConfiguredStream } from './types';

/** A configured stream as read now: figures, or why there are none. */
export interface StreamReading {
  stream: ConfiguredStream;
  figures?: StreamFigures;
  error?: string;
  consumers: Array<{
    consumer: ConfiguredConsumer;
    figures?: ConsumerFigures;
    error?: string;
  }>;
}

const message = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * Reads configured streams and consumers from JetStream (stream and consumer info, in
 * parallel) and puts the consumers' backlogs against their thresholds.
 */
export class JetStreamBacklogReader {
  constructor(private readonly connection: JetStreamConnection) {}

  /** The streams' and consumers' figures; a missing one or NATS being down is an `error`. */
  async readStreams(streams: ConfiguredStream[]): Promise<StreamReading[]> {
    return Promise.all(streams.map(stream => this.readStream(stream)));
  }

  /** The streams with thresholds from the declared model of their containers. */
  async read(options: {
    streams: ConfiguredStream[];
    declared: ReadonlyMap<string, DeclaredContainer>;
  }): Promise<{ streams: StreamBacklog[]; problems: string[] }> {
    const problems: string[] = [];
    const readings = await this.readStreams(options.streams);
    const streams = readings.map(reading => ({
      stream: reading.stream.stream,
      ...(reading.stream.region ? { region: reading.stream.region } : {}),
      ...(reading.figures ? { figures: reading.figures } : {}),
      ...(reading.error ? { error: reading.error } : {}),
      consumers: reading.consumers.map(({ consumer, figures, error }) => {
        const { threshold, problem } = resolveThreshold({
          consumer,
          declared: consumer.container
            ? options.declared.get(consumer.container)
            : undefined,
        });
        if (problem && !problems.includes(problem)) problems.push(problem);
        return toConsumerBacklog({ consumer, figures, error, threshold });
      }),
    }));
    return { streams, problems };
  }

  private async readStream(stream: ConfiguredStream): Promise<StreamReading> {
    const unread = (error: string): StreamReading => ({
      stream,
      error,
      consumers: stream.consumers.map(consumer => ({ consumer, error })),
    });
    let figures: StreamFigures | undefined;
    try {
      figures = await this.connection.streamFigures(stream.stream);
    } catch (error) {
      return unread(message(error));
    }
    if (!figures) return unread(`stream ${stream.stream} does not exist`);
    const consumers = await Promise.all(
      stream.consumers.map(async consumer => {
        try {
          const read = await this.connection.consumerFigures(
            stream.stream,
            consumer.name,
          );
          return read
            ? { consumer, figures: read }
            : {
                consumer,
                error: `consumer ${consumer.name} does not exist on stream ${stream.stream}`,
              };
        } catch (error) {
          return { consumer, error: message(error) };
        }
      }),
    );
    return { stream, figures, consumers };
  }
}

function toConsumerBacklog(options: {
  consumer: ConfiguredConsumer;
  figures?: ConsumerFigures;
  error?: string;
  threshold?: ConsumerBacklog['threshold'];
}): ConsumerBacklog {
  const { consumer, figures, error, threshold } = options;
  const items = figures
    ? figures.backlog * consumer.itemsPerMessage
    : undefined;
  return {
    name: consumer.name,
    ...(consumer.container ? { container: consumer.container } : {}),
    ...(threshold ? { threshold } : {}),
    itemsPerMessage: consumer.itemsPerMessage,
    ...(figures ? { figures, items } : {}),
    level: classifyBacklog({ items, threshold }),
    ...(error ? { error } : {}),
  };
}
