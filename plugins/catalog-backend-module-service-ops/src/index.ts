/**
 * Catalog module that models services from their deployment-topology documents.
 *
 * @packageDocumentation
 */
export { catalogModuleServiceOps as default } from './module';
export { localFileUrlReaderServiceFactory } from './module';
export { TopologyDocumentProcessor } from './processor/TopologyDocumentProcessor';
export { LocalFileUrlReader } from './reader/LocalFileUrlReader';
export { parseTopologyDocument } from './topology/parseTopologyDocument';
export { buildTopologyEntities } from './entities/buildTopologyEntities';
export type {
  BuildTopologyEntitiesOptions,
  TopologyEntities,
} from './entities/buildTopologyEntities';
export { parseQuantity } from '@internal/backstage-plugin-service-ops-common';
export type * from './topology/types';
