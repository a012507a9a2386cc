export { RolloutCard, ROLLOUT_ACTION_LABELS } from './RolloutCard';
export type { RolloutPermissions } from './RolloutCard';
