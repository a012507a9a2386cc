export { ResourceChart } from './ResourceChart';
