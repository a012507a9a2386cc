/**
 * An emulator of the Kubernetes API server for the demo and the tests.
 *
 * @packageDocumentation
 */
export { ApiServer } from './api/ApiServer';
export type { ApiServerOptions, TokenRole } from './api/ApiServer';
export { CUSTOM_METRICS_GROUP_VERSION } from './api/customMetrics';
export type {
  CustomMetricsSource,
  MetricValue,
  MetricValueList,
} from './api/customMetrics';
export { generateTls } from './api/tls';
export type { GeneratedTls } from './api/tls';
export { RESOURCE_TYPES, findType, typeOfKind } from './api/resources';
export type { ResourceType } from './api/resources';
export { ObjectStore } from './store/ObjectStore';
export type { KubeObject, StoreEvent } from './store/ObjectStore';
export { Cluster } from './Cluster';
export type { ClusterOptions } from './Cluster';
export { AcceleratedClock, ManualClock, timestamp } from './controllers/Clock';
export type { Clock } from './controllers/Clock';
export type { MetricsProvider } from './controllers/context';
export type { WorkloadTimings } from './controllers/WorkloadController';
export { CRASH_LOOP_ANNOTATION } from './controllers/WorkloadController';
export { Random } from './controllers/context';
export { waitFor } from './testing/waitFor';
