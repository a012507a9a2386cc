export { WarningEvents } from './WarningEvents';
