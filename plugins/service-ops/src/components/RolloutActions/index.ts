export { RolloutActions } from './RolloutActions';
