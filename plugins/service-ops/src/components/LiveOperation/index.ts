export {
  LiveOperation,
  useNow,
  IDLE_TICK_MS,
  RUNNING_TICK_MS,
} from './LiveOperation';
