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

/**
 * A rebuild's phase: `replaying` the streams into steps, then `folding` every saga from
 * its steps.
 */
export type SagaRebuildPhase = 'replaying' | 'folding';

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
  /**
   * Empties the projection (instances, steps, malformed events, streams, a rebuild's
   * state). With `rebuild`, in the same transaction, a rebuild starts replaying: until
   * `finishRebuild`, deliveries become steps and the sagas are not folded.
   */
  clear(options?: { rebuild?: { startedAt: number } }): Promise<void>;
  /** The rebuild under way (it survives a restart), if one is. */
  rebuildState(): Promise<
    { phase: SagaRebuildPhase; startedAt: number } | undefined
  >;
  /**
   * Ends a rebuild's replay and folds every saga from its steps; resumes one a restart
   * interrupted. Returns how many sagas it folded (0 when no rebuild runs), and whether
   * it got to the end (not when `stopped()` said so first).
   */
  finishRebuild(options?: {
    onProgress?: (folded: number, total: number) => void;
    stopped?: () => boolean;
  }): Promise<{ folded: number; finished: boolean }>;
  /**
   * Records the stream's creation time; when it changed (the stream was recreated and its
   * sequences start again), forgets the malformed messages of the old one.
   */
  checkStream(identity: StreamIdentity): Promise<'same' | 'new' | 'recreated'>;
}
