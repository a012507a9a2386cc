export { TriggerChart } from './TriggerChart';
