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
export { parseQuantity } from './topology/parseQuantity';
export type * from './topology/types';
