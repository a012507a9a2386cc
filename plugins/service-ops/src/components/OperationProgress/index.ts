export {
  OperationProgress,
  OperationStateChip,
  actorName,
} from './OperationProgress';
