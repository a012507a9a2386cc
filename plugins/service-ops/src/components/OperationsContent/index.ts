export { OperationsContent } from './OperationsContent';
