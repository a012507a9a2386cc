export { OperationSteps, StepStatus } from './OperationSteps';
