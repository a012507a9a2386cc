export {
  serviceOpsApiRef,
  HISTORY_WINDOWS,
  BACKLOG_WINDOWS,
} from './ServiceOpsApi';
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
  ApproveOperationOptions,
  RolloutTarget,
  StartRolloutOptions,
} from './ServiceOpsApi';
export { ServiceOpsClient } from './ServiceOpsClient';
export { signingKeysApiRef, KEY_INVENTORY_SORTS } from './SigningKeysApi';
export type {
  SigningKeysApi,
  GetKeyInventoryOptions,
  GetTenantKeysOptions,
  KeyInventorySort,
  StartKeyRotationOptions,
  TenantKeysResponse,
} from './SigningKeysApi';
export { SigningKeysClient } from './SigningKeysClient';
