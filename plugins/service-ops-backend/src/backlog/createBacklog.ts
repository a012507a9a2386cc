import {
  DatabaseService,
  LoggerService,
  RootConfigService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { BacklogSampler } from './BacklogSampler';
import { DatabaseBacklogStore } from './DatabaseBacklogStore';
import { JetStreamBacklogReader } from './JetStreamBacklogReader';
import { JetStreamConnection } from './JetStreamConnection';
import { JetStreamPoisonListener } from './JetStreamPoisonListener';
import { readBacklogSettings } from './readBacklogSettings';
import { DatabaseSagaStore } from './saga/DatabaseSagaStore';
import { JetStreamSagaProjector } from './saga/JetStreamSagaProjector';
import { BacklogSettings } from './types';

/** The scheduled task that samples the backlogs (one instance samples when several run). */
export const BACKLOG_SAMPLING_TASK = 'service-ops-backlog-samples';

/** Everything the backlog routes need, running. */
export interface Backlog {
  settings: BacklogSettings;
  connection: JetStreamConnection;
  reader: JetStreamBacklogReader;
  store: DatabaseBacklogStore;
  sagas: DatabaseSagaStore;
  projector: JetStreamSagaProjector;
  poison: JetStreamPoisonListener;
  sampler: BacklogSampler;
  /** Stops the projector (in-flight batches finish and are acked), then closes NATS. */
  stop(): Promise<void>;
}

/**
 * Reads the config, connects to NATS (in the background, forever), migrates the database,
 * starts the publish-saga projector and the poison listener, and schedules the backlog
 * sampling. Without `serviceOps.nats` everything answers `not-configured`.
 *
 * @throws Error when the config is invalid
 */
export async function createBacklog(options: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  scheduler: SchedulerService;
}): Promise<Backlog> {
  const { config, logger, database, scheduler } = options;
  const settings = readBacklogSettings(config);
  if (!settings.nats)
    logger.warn(
      'serviceOps.nats is not configured; JetStream backlogs and publish sagas are not available',
    );
  const store = await DatabaseBacklogStore.create(database);
  const sagas = await DatabaseSagaStore.create(database);
  const connection = JetStreamConnection.start({
    settings: settings.nats,
    logger,
  });
  const reader = new JetStreamBacklogReader(connection);
  const sampler = new BacklogSampler({
    reader,
    store,
    services: settings.services,
    retentionDays: settings.retentionDays,
  });
  const projector = JetStreamSagaProjector.create({
    connection,
    store: sagas,
    settings: settings.sagas,
    logger,
  });
  projector.start();
  const poison = JetStreamPoisonListener.start({ connection, store, logger });
  await scheduler.scheduleTask({
    id: BACKLOG_SAMPLING_TASK,
    scope: 'global',
    frequency: { seconds: settings.intervalSeconds },
    timeout: { minutes: 1 },
    fn: async () => {
      await sampler.sample();
    },
  });
  return {
    settings,
    connection,
    reader,
    store,
    sagas,
    projector,
    poison,
    sampler,
    stop: async () => {
      await projector.stop();
      await connection.close();
    },
  };
}
