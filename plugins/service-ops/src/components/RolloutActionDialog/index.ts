export { RolloutActionDialog } from './RolloutActionDialog';
