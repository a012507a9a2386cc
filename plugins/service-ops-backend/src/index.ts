/**
 * service-ops backend plugin: live state of services' workloads across clusters.
 *
 * @packageDocumentation
 */
export { serviceOpsPlugin as default } from './plugin';
