/** A message on a saga subject, as the projector hands it to the store. */
export interface SagaDelivery {
  stream: string;
  seq: number;
  subject: string;
  data: string;
  /** Epoch ms the projector received it. */
  receivedAt: number;
}

/**
 * What applying a delivery did:
 * - `projected`: a new step of a saga;
 * - `duplicate-step`: the saga already had this step from another message (an event
 *   published twice), whether this one is delivered for the first time or again;
 * - `malformed`: stored with its reason, not projected;
 * - `already-processed`: this message (its stream sequence) was projected or stored as
 *   malformed before (a redelivery).
 */
export type SagaApplyOutcome =
  | 'projected'
  | 'duplicate-step'
  | 'malformed'
  | 'already-processed';

/** A stream as projected from: its name and creation time. */
export interface StreamIdentity {
  stream: string;
  created: string;
}

/** What the projector needs of its store. */
export interface SagaProjectionStore {
  /**
   * Applies deliveries in one transaction, in order; idempotent on (stream, sequence).
   * Resolves only once the transaction has committed.
   */
  apply(deliveries: SagaDelivery[]): Promise<SagaApplyOutcome[]>;
  /** Empties the projection (instances, steps, malformed events, streams). */
  clear(): Promise<void>;
  /**
   * Records the stream's creation time; when it changed (the stream was recreated and its
   * sequences start again), forgets the malformed messages of the old one.
   */
  checkStream(identity: StreamIdentity): Promise<'same' | 'new' | 'recreated'>;
}
