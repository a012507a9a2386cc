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
} from './ServiceOpsApi';
export { ServiceOpsClient } from './ServiceOpsClient';
