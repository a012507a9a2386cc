import {
  AuditorService,
  DatabaseService,
  LoggerService,
  PermissionsService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { JetStreamConnection } from '../backlog/JetStreamConnection';
import { ClusterConnection } from '../config/readClusters';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import { LiveStateService } from '../kubernetes/KubernetesLiveState';
import { CollabDrainHandler } from './CollabDrainHandler';
import { CollabDrainNotices } from './CollabDrainNotices';
import { CollabDrainOperations } from './CollabDrainOperations';
import { DatabaseOperationStore } from './DatabaseOperationStore';
import { OperationAnnouncer, operationLink } from './OperationAnnouncer';
import { OperationAudit } from './OperationAudit';
import { OperationExecutor } from './OperationExecutor';
import { OperationsService } from './OperationsService';
import { readOperationsSettings } from './readOperationsSettings';
import { readRolloutSettings } from './readRolloutSettings';
import { RolloutHandler } from './RolloutHandler';
import { RolloutOperations } from './RolloutOperations';
import { ROLLOUT_ACTIONS } from '@internal/backstage-plugin-service-ops-common';
import { Keys } from '../keys/createKeys';
import { KeyRotationHandler } from '../keys/KeyRotationHandler';
import { KeyRotationOperations } from '../keys/KeyRotationOperations';

export interface Operations {
  /** Every kind's reads, cancel and approve. */
  service: OperationsService;
  drains: CollabDrainOperations;
  /** Promote, promote fully, abort and retry of Argo rollouts. */
  rollouts: RolloutOperations;
  /** Signing-key rotations of content-service's tenants (when `keys` is given). */
  keyRotations?: KeyRotationOperations;
  executor: OperationExecutor;
  store: DatabaseOperationStore;
}

/**
 * The operations engine: its store, the executor with the collab drain's handler, and
 * what announces and audits each change. The executor starts at once and stops with
 * the backend (operations in hand give their lease up for another instance).
 */
export async function createOperations(options: {
  config: RootConfigService;
  logger: LoggerService;
  database: DatabaseService;
  auditor: AuditorService;
  permissions: PermissionsService;
  catalog: CatalogService;
  signals: SignalsService;
  notifications?: NotificationService;
  clusters: ClusterConnection[];
  liveState: LiveStateService;
  nats: JetStreamConnection;
  /** content-service's signing keys, rotated by the `key-rotation` kind. */
  keys?: Keys;
}): Promise<Operations> {
  const { config, logger } = options;
  const settings = readOperationsSettings(config);
  const store = await DatabaseOperationStore.create(options.database);
  const kubernetes = new KubernetesActions(options.clusters);
  const handler = new CollabDrainHandler({
    liveState: options.liveState,
    kubernetes,
    notices: new CollabDrainNotices(options.nats),
    settings: settings.collabDrain,
  });
  const rolloutSettings = readRolloutSettings(config);
  const rolloutHandlers = ROLLOUT_ACTIONS.map(
    action =>
      new RolloutHandler(action, {
        liveState: options.liveState,
        kubernetes,
        settings: rolloutSettings,
      }),
  );
  const keys = options.keys;
  const keyRotationHandler = keys
    ? new KeyRotationHandler({
        keys: keys.administration,
        auditor: options.auditor,
        settings: keys.settings.rotation,
        regions: keys.settings.regions,
        onKeysChanged: () => keys.inventory.invalidate(),
      })
    : undefined;
  const executor = new OperationExecutor({
    store,
    handlers: [
      handler,
      ...rolloutHandlers,
      ...(keyRotationHandler ? [keyRotationHandler] : []),
    ],
    logger,
    leaseMs: settings.leaseMs,
    pollMs: settings.pollMs,
  });
  const appBaseUrl = config.getOptionalString('app.baseUrl') ?? '';
  const announcer = new OperationAnnouncer({
    signals: options.signals,
    notifications: options.notifications,
    logger,
    entityLink: operation => operationLink(appBaseUrl, operation),
  });
  const audit = new OperationAudit(options.auditor);
  executor.onChange(operation => {
    announcer
      .changed(operation)
      .catch(error =>
        logger.warn(`could not announce operation ${operation.id}: ${error}`),
      );
    audit
      .changed(operation)
      .catch(error =>
        logger.warn(`could not audit operation ${operation.id}: ${error}`),
      );
  });
  const drains = new CollabDrainOperations({
    catalog: options.catalog,
    permissions: options.permissions,
    store,
    executor,
    handler,
    kubernetes,
    settings: settings.collabDrain,
  });
  const service = new OperationsService({
    catalog: options.catalog,
    permissions: options.permissions,
    store,
    executor,
  });
  const rollouts = new RolloutOperations({
    catalog: options.catalog,
    permissions: options.permissions,
    store,
    executor,
    kubernetes,
    liveState: options.liveState,
    settings: rolloutSettings,
  });
  const keyRotations = keys
    ? new KeyRotationOperations({
        inventory: keys.inventory,
        store,
        executor,
        settings: keys.settings,
      })
    : undefined;
  executor.start();
  return {
    service,
    drains,
    rollouts,
    ...(keyRotations ? { keyRotations } : {}),
    executor,
    store,
  };
}
