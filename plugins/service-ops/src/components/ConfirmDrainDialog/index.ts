export { ConfirmDrainDialog } from './ConfirmDrainDialog';
