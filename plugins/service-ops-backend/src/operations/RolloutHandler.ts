import { JsonObject } from '@backstage/types';
import {
  describeRolloutRegion,
  LiveRolloutState,
  OperationStep,
  RolloutAction,
  RolloutExpectation,
  RolloutGoal,
  rolloutChanges,
  rolloutGoal,
  rolloutGoalProgress,
  ROLLOUT_OPERATION_KINDS,
  RolloutOperationKind,
} from '@internal/backstage-plugin-service-ops-common';
import { LiveStateService } from '../kubernetes/KubernetesLiveState';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import { argoPatches } from '../kubernetes/argoPatches';
import { toLiveWorkload } from '../kubernetes/mappers';
import type { ArgoRollout } from '../kubernetes/wireTypes';
import {
  Advance,
  OperationContext,
  OperationHandler,
} from './OperationExecutor';
import { clockTime } from './CollabDrainHandler';
import { RolloutSettings } from './readRolloutSettings';
import { mergeSteps } from './steps';

/** A rollout operation's durable memory (the operation's `progress`). */
export interface RolloutProgress {
  action: RolloutAction;
  container: string;
  namespace: string;
  workload: string;
  /** The regions in order. */
  clusters: string[];
  expected: Record<string, RolloutExpectation>;
  /** `act`: patch the region at `index`; `wait`: wait for it to reach its goal. */
  phase: 'act' | 'wait';
  index: number;
  /** Per region: the goal of the action, fixed just before its patch was sent. */
  goals: Record<string, RolloutGoal>;
  /** Per region: the patch is being sent (before) / was accepted (after), epoch ms. */
  sending: Record<string, number>;
  patched: Record<string, number>;
  /** 409s in a row for the region acted on now. */
  conflicts: number;
}

/** Wire -> domain: a rollout as just read from the API server. */
export function rolloutStateOf(
  rollout: ArgoRollout,
): LiveRolloutState | undefined {
  return toLiveWorkload(['Rollout', rollout]).rollout;
}

const VERB: Record<RolloutAction, string> = {
  promote: 'Promote',
  'promote-full': 'Promote fully',
  abort: 'Abort',
  retry: 'Retry',
};

export function rolloutSteps(
  action: RolloutAction,
  clusters: string[],
): OperationStep[] {
  return clusters.map(cluster => ({
    id: `${action}:${cluster}`,
    title: `${VERB[action]} in ${cluster}${
      action === 'abort'
        ? ' and wait for stable at 100%'
        : ', then wait until healthy'
    }`,
    status: 'pending' as const,
  }));
}

/**
 * A rollout action (one kind per action) in one region or a wave of regions in order.
 * In each region it reads the rollout from the API server, checks it is where the
 * operator saw it (compare-and-set: otherwise the operation fails and says what changed),
 * sends the patches `kubectl argo rollouts` sends with the rollout's resourceVersion as a
 * precondition (a 409 is read again and retried while the step is unchanged), then waits
 * until the region reaches the action's goal healthy before the next region; it stops
 * when a region degrades (Argo says so, its analysis failed, its canary restarts) or
 * misses the goal in time. An abort patches every region first, then waits for each to
 * be back on stable at 100%. Every patch is recorded before and after it is sent.
 */
export class RolloutHandler implements OperationHandler {
  readonly kind: RolloutOperationKind;

  constructor(
    readonly action: RolloutAction,
    private readonly deps: {
      liveState: LiveStateService;
      kubernetes: KubernetesActions;
      settings: RolloutSettings;
    },
  ) {
    this.kind = ROLLOUT_OPERATION_KINDS[action];
  }

  async advance(context: OperationContext): Promise<Advance> {
    const progress = context.operation.progress as unknown as RolloutProgress;
    if (context.operation.state === 'cancelling')
      return this.cancel(context, progress);
    if (progress.index >= progress.clusters.length) {
      if (progress.action === 'abort' && progress.phase === 'act') {
        progress.phase = 'wait';
        progress.index = 0;
        await this.save(context, progress);
        return { type: 'continue' };
      }
      return { type: 'succeeded' };
    }
    return progress.phase === 'act'
      ? this.act(context, progress)
      : this.wait(context, progress);
  }

  private async save(
    context: OperationContext,
    progress: RolloutProgress,
    steps?: Record<string, Partial<OperationStep>>,
  ): Promise<void> {
    await context.save({
      progress: progress as unknown as JsonObject,
      ...(steps
        ? {
            steps: mergeSteps(context.operation.steps, steps, context.now()),
          }
        : {}),
    });
  }

  private stepId(progress: RolloutProgress, cluster: string) {
    return `${progress.action}:${cluster}`;
  }

  /** Fails the operation: this region's step failed, the regions after it skipped. */
  private async halt(
    context: OperationContext,
    progress: RolloutProgress,
    cluster: string,
    reason: string,
  ): Promise<Advance> {
    const rest = progress.clusters.filter(
      c => !progress.patched[c] && c !== cluster,
    );
    const steps: Record<string, Partial<OperationStep>> = {
      [this.stepId(progress, cluster)]: { status: 'failed', detail: reason },
    };
    for (const other of rest)
      steps[this.stepId(progress, other)] = {
        status: 'skipped',
        detail: `not acted on: ${cluster} stopped the operation`,
      };
    await this.save(context, progress, steps);
    const error =
      progress.clusters.length > 1
        ? `the wave stopped in ${cluster}: ${reason}${
            rest.length ? `; not acted on: ${rest.join(', ')}` : ''
          }`
        : `${cluster}: ${reason}`;
    return { type: 'failed', error };
  }

  private async act(
    context: OperationContext,
    progress: RolloutProgress,
  ): Promise<Advance> {
    const { kubernetes, settings } = this.deps;
    const cluster = progress.clusters[progress.index];
    const step = this.stepId(progress, cluster);
    const target = {
      cluster,
      namespace: progress.namespace,
      name: progress.workload,
    };
    const wire = await kubernetes.getRollout(target);
    const rollout = wire && rolloutStateOf(wire);
    if (!wire || !rollout)
      return this.halt(
        context,
        progress,
        cluster,
        `rollout ${progress.namespace}/${progress.workload} does not exist in ${cluster}`,
      );
    const changes =
      progress.action === 'abort'
        ? []
        : rolloutChanges(progress.expected[cluster] ?? {}, rollout);
    if (changes.length > 0) {
      if (progress.sending[cluster]) {
        // The patch went out before a crash and the controller took it.
        progress.patched[cluster] = progress.sending[cluster];
        return this.acted(context, progress, cluster, 'sent before a restart');
      }
      return this.halt(
        context,
        progress,
        cluster,
        `the rollout changed since it was looked at: ${changes.join(
          '; ',
        )}; nothing was sent`,
      );
    }
    if (!progress.goals[cluster])
      progress.goals[cluster] = rolloutGoal(rollout, progress.action);
    progress.sending[cluster] = context.now();
    await this.save(context, progress, {
      [step]: { status: 'running', detail: 'sending the patch' },
    });
    const result = await kubernetes.patchRollout({
      ...target,
      resourceVersion: wire.metadata?.resourceVersion ?? '',
      patches: argoPatches(wire, progress.action),
    });
    if (result.result === 'gone')
      return this.halt(
        context,
        progress,
        cluster,
        `rollout ${progress.namespace}/${progress.workload} is gone from ${cluster}`,
      );
    if (result.result === 'conflict') {
      delete progress.sending[cluster];
      progress.conflicts += 1;
      if (progress.conflicts > settings.conflictRetries)
        return this.halt(
          context,
          progress,
          cluster,
          `the API server refused the patch ${progress.conflicts} times (409): ${result.message}`,
        );
      await this.save(context, progress, {
        [step]: {
          status: 'running',
          detail: `the rollout changed while the patch was sent (409); reading it again`,
        },
      });
      return { type: 'continue' };
    }
    progress.patched[cluster] = context.now();
    return this.acted(
      context,
      progress,
      cluster,
      `sent to the ${result.sent.join(' and ')} of the rollout`,
    );
  }

  private async acted(
    context: OperationContext,
    progress: RolloutProgress,
    cluster: string,
    how: string,
  ): Promise<Advance> {
    progress.conflicts = 0;
    const detail = `${this.describeGoal(
      progress,
      cluster,
    )} (${how} at ${clockTime(progress.patched[cluster])}); waiting`;
    if (progress.action === 'abort') progress.index += 1;
    else progress.phase = 'wait';
    await this.save(context, progress, {
      [this.stepId(progress, cluster)]: { status: 'running', detail },
    });
    return { type: 'continue' };
  }

  private describeGoal(progress: RolloutProgress, cluster: string): string {
    const goal = progress.goals[cluster];
    switch (progress.action) {
      case 'abort':
        return 'aborted';
      case 'promote-full':
        return 'promoted fully';
      case 'retry':
        return 'retried';
      default:
        return goal?.strategy === 'canary' && goal.stepIndex !== undefined
          ? `promoted towards step ${goal.stepIndex} (${goal.weight}%)`
          : 'promoted';
    }
  }

  private async wait(
    context: OperationContext,
    progress: RolloutProgress,
  ): Promise<Advance> {
    const { liveState, settings } = this.deps;
    const cluster = progress.clusters[progress.index];
    const step = this.stepId(progress, cluster);
    const now = context.now();
    const poll = {
      type: 'wait' as const,
      until: now + settings.pollSeconds * 1000,
    };
    const region = liveState.containerRegion(cluster, progress.container);
    const view = region && describeRolloutRegion(region);
    const goal = progress.goals[cluster];
    if (!view || !goal) return poll;
    const result = rolloutGoalProgress(view, goal, {
      restartLimit: settings.canaryRestartLimit,
    });
    if (result.status === 'degraded')
      return this.halt(context, progress, cluster, result.detail);
    if (result.status === 'reached') {
      progress.index += 1;
      if (progress.action !== 'abort') progress.phase = 'act';
      await this.save(context, progress, {
        [step]: { status: 'succeeded', detail: result.detail },
      });
      return { type: 'continue' };
    }
    const since = progress.patched[cluster] ?? now;
    if (now - since > settings.stepTimeoutSeconds * 1000)
      return this.halt(
        context,
        progress,
        cluster,
        `not there within ${settings.stepTimeoutSeconds} s: ${result.detail}`,
      );
    const current = context.operation.steps.find(s => s.id === step);
    if (current?.detail !== result.detail)
      await this.save(context, progress, {
        [step]: { status: 'running', detail: result.detail },
      });
    return poll;
  }

  private async cancel(
    context: OperationContext,
    progress: RolloutProgress,
  ): Promise<Advance> {
    const by = context.operation.cancelRequestedBy;
    const steps: Record<string, Partial<OperationStep>> = {};
    for (const step of context.operation.steps) {
      if (step.status !== 'pending' && step.status !== 'running') continue;
      const cluster = step.id.slice(step.id.indexOf(':') + 1);
      steps[step.id] = progress.patched[cluster]
        ? {
            status: 'skipped',
            detail: `cancelled by ${by} after the patch was sent: the rollout controller carries it on`,
          }
        : { status: 'skipped', detail: `cancelled by ${by}; nothing was sent` };
    }
    await this.save(context, progress, steps);
    return { type: 'cancelled' };
  }
}
