/**
 * Realistic NATS JetStream traffic for the sandbox: work queues that follow the fleet's
 * load and Ready pods, outbox relays, publish sagas and poison messages.
 *
 * @packageDocumentation
 */
export { NatsTraffic, DEFAULT_SCHEDULE } from './NatsTraffic';
export type { NatsTrafficOptions, TrafficSchedule } from './NatsTraffic';
export { SagaPlanner, SAGA_ODDS, TENANTS } from './SagaPlanner';
export type { SagaOdds } from './SagaPlanner';
export {
  EVENT_STREAMS,
  MAX_DELIVER,
  ROLES,
  SAGA_SUBJECTS,
  SUBJECTS,
  itemsPerMessage,
  workStreamName,
  workSubject,
  workerName,
} from './topology';
export type {
  RegionLoad,
  SagaOutcome,
  SagaPlan,
  TrafficClock,
  TrafficLogger,
  TrafficQueue,
} from './types';
