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
export {
  ANNOTATION_TOPOLOGY_DOCUMENT,
  ANNOTATION_TOPOLOGY_PROBLEMS,
  ANNOTATION_TOPOLOGY_SOURCE,
} from './entities/buildTopologyEntities';
export type * from './topology/types';
