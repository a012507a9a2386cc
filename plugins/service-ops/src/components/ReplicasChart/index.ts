export { ReplicasChart, formatTime } from './ReplicasChart';
