export {
  ConfirmOperationDialog,
  MIN_REASON_LENGTH,
} from './ConfirmOperationDialog';
export type { ConfirmedRequest, RefusalTitles } from './ConfirmOperationDialog';
