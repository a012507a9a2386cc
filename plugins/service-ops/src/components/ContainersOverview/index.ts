export { ContainersOverview } from './ContainersOverview';
