import type { Health, LiveAnalysisRun, LiveCanaryStep } from '../live/types';

/**
 * What an operator can do to an Argo rollout, as `kubectl argo rollouts` does it:
 * - `promote`: past the current pause (canary: to the next step; blue/green: switch the
 *   active Service to the preview);
 * - `promote-full`: skip the remaining steps, pauses and analysis;
 * - `abort`: back to the stable ReplicaSet at 100%;
 * - `retry`: start an aborted rollout again from its first step.
 */
export const ROLLOUT_ACTIONS = [
  'promote',
  'promote-full',
  'abort',
  'retry',
] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

/** The operation kind of each rollout action (one permission and one guard each). */
export const ROLLOUT_OPERATION_KINDS = {
  promote: 'rollout-promote',
  'promote-full': 'rollout-promote-full',
  abort: 'rollout-abort',
  retry: 'rollout-retry',
} as const;
export type RolloutOperationKind =
  (typeof ROLLOUT_OPERATION_KINDS)[RolloutAction];

/** The rollout action of an operation kind, if it is one. */
export function rolloutActionOfKind(kind: string): RolloutAction | undefined {
  return ROLLOUT_ACTIONS.find(a => ROLLOUT_OPERATION_KINDS[a] === kind);
}

/**
 * What the operator saw of a region's rollout when they asked (compare-and-set): an
 * action against a rollout that moved since is refused and says what changed.
 */
export interface RolloutExpectation {
  /** Canary: the current step index. */
  stepIndex?: number;
  /** The pod template hash being rolled out (`status.currentPodHash`). */
  podHash?: string;
  aborted?: boolean;
}

/** Parameters of a rollout operation. */
export interface RolloutParameters {
  action: RolloutAction;
  /** The regions, in the order they are acted on (a release wave when more than one). */
  clusters: string[];
  /** What the operator saw of each region. */
  expected: Record<string, RolloutExpectation>;
}

/** A step of the ladder, with where the rollout is on it. */
export interface RolloutStepView extends LiveCanaryStep {
  status: 'done' | 'current' | 'pending';
}

/** The pods of one ReplicaSet of a rollout in one region. */
export interface RolloutPodGroup {
  /** Canary: stable and canary; blue/green: active and preview. */
  role: 'stable' | 'canary' | 'active' | 'preview';
  hash: string;
  /** Pods not terminating. */
  pods: number;
  ready: number;
  restarts: number;
  terminating: number;
  /** Mean CPU usage over request of its pods, in %, when metrics exist. */
  cpuOfRequest?: number;
  podNames: string[];
}

/** Whether an action can be taken now, and why not. */
export interface RolloutActionAvailability {
  allowed: boolean;
  reason?: string;
}

/**
 * - `completed`: nothing is rolling out (stable = current);
 * - `paused`: waiting at a pause (canary step, blue/green before the switch);
 * - `progressing`: moving by itself (pods starting, a timed pause, analysis running);
 * - `aborted`: aborted, back on stable;
 * - `degraded`: Argo reports it degraded, or its analysis failed.
 */
export type RolloutProgressState =
  | 'completed'
  | 'paused'
  | 'progressing'
  | 'aborted'
  | 'degraded';

/** A container's rollout in one region, as the canary card shows it. */
export interface RolloutRegionView {
  cluster: string;
  namespace: string;
  workload: string;
  strategy: 'canary' | 'blueGreen';
  state: RolloutProgressState;
  phase?: string;
  message?: string;
  desired: number;
  /** Canary: the current step and the number of steps. */
  stepIndex?: number;
  stepCount?: number;
  steps: RolloutStepView[];
  /** Canary: the weight of the canary now (0 when aborted). */
  weight?: number;
  paused: boolean;
  pauseReason?: string;
  pausedSince?: string;
  aborted: boolean;
  stableHash?: string;
  /** The hash being rolled out (canary or preview). */
  podHash?: string;
  revision?: string;
  groups: RolloutPodGroup[];
  analysis: { declared: boolean; runs: LiveAnalysisRun[] };
  /** Canary against stable, in words ("canary 1/1 Ready, 0 restarts; stable 4/4 Ready"). */
  signals: string[];
  /** The autoscaler's load, for the whole rollout. */
  hpa?: { current: number; desired: number; metrics: string[] };
  health: Health;
  /** What to send back as the expectation of an action on this region. */
  expected: RolloutExpectation;
  actions: Record<RolloutAction, RolloutActionAvailability>;
}

/** A container's rollout in every region. */
export interface EntityRollout {
  entityRef: string;
  container: string;
  generatedAt: string;
  regions: RolloutRegionView[];
  /** Regions where the container runs no rollout (not deployed or not an Argo Rollout). */
  missing: Array<{ cluster: string; reason: string }>;
}

/** What one region would get from an action. */
export interface RolloutPreviewRegion {
  cluster: string;
  view: RolloutRegionView;
  availability: RolloutActionAvailability;
  /** In words: "from step 1 (pause, 10%) to step 3 (pause until promoted, 50%)". */
  effect: string;
  /** The patches `kubectl argo rollouts` sends, in order (status subresource first). */
  patches: Array<{ target: 'status' | 'spec'; body: unknown }>;
}

/** What a rollout action would do now, computed from the live state. */
export interface RolloutPreview {
  kind: RolloutOperationKind;
  action: RolloutAction;
  entityRef: string;
  container: string;
  regions: RolloutPreviewRegion[];
  /** Approvals the action needs before it runs (promote-full: a second person by default). */
  approvalsRequired: number;
  warnings: string[];
  /** A rollout operation already running on these regions, if any. */
  runningOperationId?: string;
}
