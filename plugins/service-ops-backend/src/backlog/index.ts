export { createBacklog, BACKLOG_SAMPLING_TASK } from './createBacklog';
export type { Backlog } from './createBacklog';
export {
  createBacklogRouter,
  BACKLOG_WINDOWS,
  MAX_HISTORY_POINTS,
} from './router';
export type { BacklogRouterOptions } from './router';
export { readBacklogSettings } from './readBacklogSettings';
export type * from './types';
