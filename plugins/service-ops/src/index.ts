/**
 * service-ops frontend plugin: the Operations tab (live state of services and their
 * containers in every region) and the declared-deployment cards. This entry point is
 * for the legacy frontend system; the new one imports
 * `@internal/backstage-plugin-service-ops/alpha`.
 *
 * @packageDocumentation
 */
export {
  serviceOpsPlugin,
  EntityServiceOpsContent,
  EntityDeclaredDeploymentCard,
  EntityDeclaredContainersCard,
} from './plugin';
export { serviceOpsApiRef, ServiceOpsClient, HISTORY_WINDOWS } from './api';
export type {
  ServiceOpsApi,
  HistoryWindow,
  GetHistoryOptions,
  GetSnapshotOptions,
} from './api';
export {
  isServiceOpsAvailable,
  isServiceEntity,
  isContainerEntity,
} from './lib/entityFilters';
