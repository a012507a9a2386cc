/**
 * Realistic NATS JetStream traffic for the sandbox: work queues that follow the fleet's
 * load and Ready pods, outbox relays, publish sagas and poison messages; and the collab
 * servers' side of the drain contract (request/reply).
 *
 * @packageDocumentation
 */
export { CollabDrainResponder } from './CollabDrainResponder';
export type { CollabDrainResponderOptions } from './CollabDrainResponder';
export {
  COLLAB_DRAIN_VERSION,
  collabDrainCancelSubject,
  collabDrainSubject,
  parseCollabDrainCancelRequest,
  parseCollabDrainRequest,
} from './collabDrainContract';
export type {
  CollabDrainAccepted,
  CollabDrainAddress,
  CollabDrainCancelled,
  CollabDrainCancelRefused,
  CollabDrainCancelReply,
  CollabDrainCancelRequest,
  CollabDrainError,
  CollabDrainErrorCode,
  CollabDrainRefused,
  CollabDrainReply,
  CollabDrainRequest,
  Parsed,
} from './collabDrainContract';
export { SigningKeyResponder } from './signingKeys/SigningKeyResponder';
export type { SigningKeyResponderOptions } from './signingKeys/SigningKeyResponder';
export {
  DEFAULT_REPLICATION,
  SigningKeyVault,
  SigningKeysFault,
} from './signingKeys/SigningKeyVault';
export type {
  RegionReplication,
  SeedTenant,
  SignedBundle,
  VerifyOutcome,
} from './signingKeys/SigningKeyVault';
export { sandboxTenants } from './signingKeys/sandboxTenants';
export * from './signingKeys/signingKeysContract';
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
  CollabDrainCancelOutcome,
  CollabDrainNotice,
  CollabDrainOutcome,
  CollabDrainTarget,
  RegionLoad,
  SagaOutcome,
  SagaPlan,
  TrafficClock,
  TrafficLogger,
  TrafficQueue,
} from './types';
export {
  freePort,
  natsServerBinary,
  startNatsServer,
} from './testing/natsServer';
export type { TestNatsServer } from './testing/natsServer';
export { NatsTestClient } from './testing/NatsTestClient';
