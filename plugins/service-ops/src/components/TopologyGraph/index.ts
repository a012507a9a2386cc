export { TopologyGraph } from './TopologyGraph';
