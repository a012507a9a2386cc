export { ReplicasChart } from './ReplicasChart';
