export { WorkloadStatus } from './WorkloadStatus';
