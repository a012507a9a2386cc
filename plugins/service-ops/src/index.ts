/**
 * service-ops frontend plugin: the Operations tab (live state of services and their
 * containers in every region), the Backlog & sagas tab (JetStream backlog and publish
 * sagas), the collab container's Actions tab (drain its pods) and the
 * declared-deployment cards. This entry point is
 * for the legacy frontend system; the new one imports
 * `@internal/backstage-plugin-service-ops/alpha`.
 *
 * @packageDocumentation
 */
export {
  serviceOpsPlugin,
  EntityServiceOpsContent,
  EntityServiceOpsBacklogContent,
  EntityServiceOpsActionsContent,
  EntityServiceOpsSigningKeysContent,
  EntityDeclaredDeploymentCard,
  EntityDeclaredContainersCard,
} from './plugin';
export {
  serviceOpsApiRef,
  ServiceOpsClient,
  signingKeysApiRef,
  SigningKeysClient,
  KEY_INVENTORY_SORTS,
  HISTORY_WINDOWS,
  BACKLOG_WINDOWS,
} from './api';
export type {
  ServiceOpsApi,
  HistoryWindow,
  GetHistoryOptions,
  GetSnapshotOptions,
  BacklogWindow,
  GetBacklogOptions,
  GetBacklogHistoryOptions,
  GetPoisonOptions,
  GetSagasOptions,
  GetSagaOptions,
  CollabDrainTarget,
  StartCollabDrainOptions,
  GetOperationsOptions,
  OperationIdOptions,
  SigningKeysApi,
  GetKeyInventoryOptions,
  GetTenantKeysOptions,
  KeyInventorySort,
  StartKeyRotationOptions,
  TenantKeysResponse,
} from './api';
export {
  isServiceOpsAvailable,
  isServiceEntity,
  isContainerEntity,
  isCollabDrainTarget,
  isRolloutTarget,
  hasServiceOpsActions,
  isSigningKeysTarget,
} from './lib/entityFilters';
