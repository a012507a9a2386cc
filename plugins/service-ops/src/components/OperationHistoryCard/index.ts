export { OperationHistoryCard } from './OperationHistoryCard';
