import { LoggerService } from '@backstage/backend-plugin-api';
import { DatabaseBacklogStore, PoisonRecord } from './DatabaseBacklogStore';
import { decodeAdvisory, POISON_ADVISORIES } from './decodeAdvisory';
import { JetStreamConnection } from './JetStreamConnection';

/**
 * Listens to the advisories of messages that consumers gave up on (max deliveries reached,
 * terminated by their worker) and stores each once, with the message's subject and the
 * start of its body while the stream still holds it. Advisories are core NATS messages:
 * those published while the backend is not connected are not seen.
 */
export class JetStreamPoisonListener {
  private pending = new Set<Promise<void>>();

  private constructor(
    private readonly connection: JetStreamConnection,
    private readonly store: DatabaseBacklogStore,
    private readonly logger: LoggerService,
  ) {}

  static start(options: {
    connection: JetStreamConnection;
    store: DatabaseBacklogStore;
    logger: LoggerService;
  }): JetStreamPoisonListener {
    const listener = new JetStreamPoisonListener(
      options.connection,
      options.store,
      options.logger,
    );
    for (const subject of Object.values(POISON_ADVISORIES))
      options.connection.subscribe(subject, message => {
        const record = decodeAdvisory(message);
        if (record) listener.track(listener.record(record));
      });
    return listener;
  }

  /** Resolves when the advisories received so far are stored. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all(this.pending);
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    work.finally(() => this.pending.delete(work));
  }

  private async record(record: PoisonRecord): Promise<void> {
    try {
      const message = await this.connection
        .message(record.stream, record.streamSeq)
        .catch(() => undefined);
      const isNew = await this.store.insertPoison({ ...record, ...message });
      if (isNew)
        this.logger.warn(
          `poison message: ${record.stream}/${record.consumer} seq ${record.streamSeq} (${record.kind}, ${record.deliveries} deliveries)`,
        );
    } catch (error) {
      this.logger.warn(`could not store a poison advisory: ${error}`);
    }
  }
}
