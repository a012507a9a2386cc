export { OperationHistory } from './OperationHistory';
