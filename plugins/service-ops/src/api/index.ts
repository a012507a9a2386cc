export { serviceOpsApiRef, HISTORY_WINDOWS } from './ServiceOpsApi';
export type {
  ServiceOpsApi,
  HistoryWindow,
  GetHistoryOptions,
  GetSnapshotOptions,
} from './ServiceOpsApi';
export { ServiceOpsClient } from './ServiceOpsClient';
