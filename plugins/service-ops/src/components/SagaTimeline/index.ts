export { SagaTimeline } from './SagaTimeline';
