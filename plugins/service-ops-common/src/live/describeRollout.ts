import type { ContainerRegionState, LivePod, LiveRolloutState } from './types';
import type {
  RolloutAction,
  RolloutActionAvailability,
  RolloutExpectation,
  RolloutPodGroup,
  RolloutProgressState,
  RolloutRegionView,
  RolloutStepView,
} from '../operations/rolloutTypes';

const FAILED_ANALYSIS = ['Failed', 'Error', 'Inconclusive'];

/** An analysis run that failed (or could not decide), if any: a wave stops on it. */
export function failedAnalysis(
  rollout: Pick<LiveRolloutState, 'analysisRuns'>,
): string | undefined {
  const run = (rollout.analysisRuns ?? []).find(r =>
    FAILED_ANALYSIS.includes(r.status),
  );
  if (!run) return undefined;
  return `analysis ${run.name} ${run.status.toLocaleLowerCase('en-US')}${
    run.message ? `: ${run.message}` : ''
  }`;
}

/** Whether something is being rolled out: the current pod hash is not the stable one. */
export function isRollingOut(rollout: LiveRolloutState): boolean {
  return (
    !!rollout.canaryHash &&
    !!rollout.stableHash &&
    rollout.canaryHash !== rollout.stableHash
  );
}

function progressState(rollout: LiveRolloutState): RolloutProgressState {
  if (rollout.aborted) return 'aborted';
  if (rollout.phase === 'Degraded' || failedAnalysis(rollout))
    return 'degraded';
  if (!isRollingOut(rollout) && rollout.phase !== 'Progressing')
    return 'completed';
  if (rollout.paused) return 'paused';
  return 'progressing';
}

function group(
  role: RolloutPodGroup['role'],
  hash: string,
  pods: LivePod[],
): RolloutPodGroup {
  const mine = pods.filter(p => p.templateHash === hash);
  const live = mine.filter(p => !p.terminating);
  const shares = live.flatMap(p =>
    p.containers
      .filter(c => c.usage?.cpu !== undefined && c.requests.cpu)
      .map(c => (c.usage!.cpu! / c.requests.cpu!) * 100),
  );
  return {
    role,
    hash,
    pods: live.length,
    ready: live.filter(p => p.ready).length,
    restarts: live.reduce((n, p) => n + p.restarts, 0),
    terminating: mine.length - live.length,
    ...(shares.length
      ? {
          cpuOfRequest: Math.round(
            shares.reduce((a, b) => a + b, 0) / shares.length,
          ),
        }
      : {}),
    podNames: live.map(p => p.name),
  };
}

function describeGroup(g: RolloutPodGroup): string {
  const parts = [`${g.role} ${g.ready}/${g.pods} Ready`];
  parts.push(`${g.restarts} restart${g.restarts === 1 ? '' : 's'}`);
  if (g.cpuOfRequest !== undefined)
    parts.push(`CPU ${g.cpuOfRequest}% of request`);
  if (g.terminating) parts.push(`${g.terminating} terminating`);
  return parts.join(', ');
}

/**
 * The index where a promote stops: the next pause without a duration after the current
 * step (a timed pause continues by itself), else the end of the steps.
 */
export function promoteTargetStep(
  rollout: Pick<LiveRolloutState, 'canarySteps' | 'currentStepIndex'>,
): number {
  const steps = rollout.canarySteps ?? [];
  const from = rollout.currentStepIndex ?? 0;
  const next = steps.find(
    s => s.index > from && s.kind === 'pause' && !s.pauseDuration,
  );
  return next ? next.index : steps.length;
}

/** The weight a canary runs at on step `index` (the last setWeight up to it). */
export function weightAtStep(
  rollout: Pick<LiveRolloutState, 'canarySteps'>,
  index: number,
): number {
  const steps = rollout.canarySteps ?? [];
  if (index >= steps.length) return 100;
  let weight = 0;
  for (const step of steps.slice(0, index + 1))
    if (step.weight !== undefined) weight = step.weight;
  return weight;
}

/** "step 1 (pause until promoted, 10%)" */
export function describeStep(
  rollout: Pick<LiveRolloutState, 'canarySteps'>,
  index: number,
): string {
  const steps = rollout.canarySteps ?? [];
  if (index >= steps.length) return `the end (100%)`;
  return `step ${index} (${steps[index].title}, ${weightAtStep(
    rollout,
    index,
  )}%)`;
}

function availability(
  rollout: LiveRolloutState,
  state: RolloutProgressState,
): Record<RolloutAction, RolloutActionAvailability> {
  const yes = { allowed: true };
  const no = (reason: string) => ({ allowed: false, reason });
  const rolling = isRollingOut(rollout);
  const idle = no(
    `nothing is rolling out: ${
      rollout.stableHash ?? 'the current revision'
    } is stable`,
  );
  const promote = (): RolloutActionAvailability => {
    if (rollout.aborted) return no('the rollout is aborted: retry it first');
    if (!rolling) return idle;
    if (state === 'degraded')
      return no('the rollout is degraded: abort it, or retry once fixed');
    if (rollout.strategy === 'blueGreen' && !rollout.paused)
      return no('the preview is not ready yet: the rollout pauses when it is');
    return yes;
  };
  // A full promote also takes a blue/green whose preview is not paused yet.
  const promoteFull = (): RolloutActionAvailability => {
    if (rollout.aborted || !rolling) return promote();
    if (state === 'degraded')
      return no('the rollout is degraded: abort it, or retry once fixed');
    return yes;
  };
  const abort = (): RolloutActionAvailability => {
    if (rollout.aborted) return no('the rollout is aborted already');
    return rolling ? yes : idle;
  };
  return {
    promote: promote(),
    'promote-full': promoteFull(),
    abort: abort(),
    retry: rollout.aborted ? yes : no('only an aborted rollout can be retried'),
  };
}

/**
 * A container's Argo rollout in one region, as the canary card shows it: the step ladder,
 * the stable and canary (active and preview) pods by their template hash, analysis runs,
 * canary against stable, and which actions make sense now. `undefined` when the region
 * runs no Argo rollout of the container.
 */
export function describeRolloutRegion(
  region: ContainerRegionState,
): RolloutRegionView | undefined {
  const workload = region.workload;
  const rollout = workload?.rollout;
  if (!workload || !rollout) return undefined;
  const state = progressState(rollout);
  const blueGreen = rollout.strategy === 'blueGreen';
  const stableHash = blueGreen
    ? rollout.activeHash ?? rollout.stableHash
    : rollout.stableHash;
  const podHash = rollout.canaryHash;
  const groups: RolloutPodGroup[] = [];
  if (stableHash)
    groups.push(
      group(blueGreen ? 'active' : 'stable', stableHash, region.pods),
    );
  if (podHash && podHash !== stableHash)
    groups.push(group(blueGreen ? 'preview' : 'canary', podHash, region.pods));
  const index = rollout.currentStepIndex;
  const steps: RolloutStepView[] = (rollout.canarySteps ?? []).map(step => {
    let status: RolloutStepView['status'] = 'pending';
    if (index === undefined || step.index < index) status = 'done';
    else if (step.index === index) status = 'current';
    return { ...step, status };
  });
  const signals = groups.map(describeGroup);
  const [stable, canary] = groups;
  if (stable && canary) {
    if (canary.pods > 0 && canary.restarts > stable.restarts)
      signals.push(
        `the ${canary.role} restarted more than the ${stable.role} (${canary.restarts} against ${stable.restarts})`,
      );
    if (
      canary.cpuOfRequest !== undefined &&
      stable.cpuOfRequest !== undefined &&
      canary.cpuOfRequest > stable.cpuOfRequest * 1.5 &&
      canary.cpuOfRequest - stable.cpuOfRequest >= 10
    )
      signals.push(
        `the ${canary.role} uses more CPU than the ${stable.role} (${canary.cpuOfRequest}% against ${stable.cpuOfRequest}% of request)`,
      );
  }
  const failed = failedAnalysis(rollout);
  if (failed) signals.push(failed);
  const expected: RolloutExpectation = {
    ...(index !== undefined ? { stepIndex: index } : {}),
    ...(podHash ? { podHash } : {}),
    aborted: rollout.aborted,
  };
  return {
    cluster: region.cluster,
    namespace: workload.namespace,
    workload: workload.name,
    strategy: rollout.strategy,
    state,
    ...(rollout.phase ? { phase: rollout.phase } : {}),
    ...(rollout.message ? { message: rollout.message } : {}),
    desired: workload.desired,
    ...(index !== undefined && !blueGreen ? { stepIndex: index } : {}),
    ...(rollout.steps !== undefined ? { stepCount: rollout.steps } : {}),
    steps,
    ...(rollout.weight !== undefined
      ? { weight: rollout.weights?.canary ?? rollout.weight }
      : {}),
    paused: rollout.paused,
    ...(rollout.pauseReason ? { pauseReason: rollout.pauseReason } : {}),
    ...(rollout.pausedSince ? { pausedSince: rollout.pausedSince } : {}),
    aborted: rollout.aborted,
    ...(stableHash ? { stableHash } : {}),
    ...(podHash ? { podHash } : {}),
    ...(rollout.revision ? { revision: rollout.revision } : {}),
    groups,
    analysis: {
      declared: !!rollout.analysisDeclared,
      runs: rollout.analysisRuns ?? [],
    },
    signals,
    ...(region.hpa
      ? {
          hpa: {
            current: region.hpa.current,
            desired: region.hpa.desired,
            metrics: region.hpa.metrics.map(m => m.description),
          },
        }
      : {}),
    health: region.health,
    expected,
    actions: availability(rollout, state),
  };
}

/**
 * What changed since the operator looked, in words; empty when nothing did (the
 * compare-and-set of every rollout action).
 */
export function rolloutChanges(
  expected: RolloutExpectation,
  rollout: LiveRolloutState,
): string[] {
  const changes: string[] = [];
  if (expected.podHash !== undefined && expected.podHash !== rollout.canaryHash)
    changes.push(
      `a new revision is rolling out: pod hash ${expected.podHash} -> ${
        rollout.canaryHash ?? 'none'
      }`,
    );
  if (
    expected.stepIndex !== undefined &&
    expected.stepIndex !== rollout.currentStepIndex
  )
    changes.push(
      `the rollout moved from ${describeStep(
        rollout,
        expected.stepIndex,
      )} to ${describeStep(
        rollout,
        rollout.currentStepIndex ?? (rollout.canarySteps ?? []).length,
      )}`,
    );
  if (expected.aborted !== undefined && expected.aborted !== rollout.aborted)
    changes.push(
      rollout.aborted
        ? 'the rollout was aborted meanwhile'
        : 'the rollout is no longer aborted',
    );
  return changes;
}

/** Where a region must get to for an action to be done there. */
export interface RolloutGoal {
  action: RolloutAction;
  strategy: 'canary' | 'blueGreen';
  /** The pod hash being rolled out when the action was taken. */
  podHash?: string;
  /** Canary promote or retry: the step it stops at. */
  stepIndex?: number;
  /** Canary: the canary weight at that step. */
  weight?: number;
}

/** The goal of an action on a region, from the region as it was before the action. */
export function rolloutGoal(
  rollout: LiveRolloutState,
  action: RolloutAction,
): RolloutGoal {
  const base = {
    action,
    strategy: rollout.strategy,
    ...(rollout.canaryHash ? { podHash: rollout.canaryHash } : {}),
  };
  if (rollout.strategy !== 'canary') return base;
  const steps = rollout.canarySteps ?? [];
  if (action === 'promote') {
    const stepIndex = promoteTargetStep(rollout);
    return { ...base, stepIndex, weight: weightAtStep(rollout, stepIndex) };
  }
  if (action === 'retry') {
    const stepIndex = promoteTargetStep({
      canarySteps: steps,
      currentStepIndex: -1,
    });
    return { ...base, stepIndex, weight: weightAtStep(rollout, stepIndex) };
  }
  if (action === 'promote-full')
    return { ...base, stepIndex: steps.length, weight: 100 };
  return { ...base, weight: 0 };
}

/** How far a region is towards a goal. */
export type RolloutGoalProgress =
  | { status: 'reached'; detail: string }
  | { status: 'waiting'; detail: string }
  | { status: 'degraded'; detail: string };

/**
 * Whether a region reached an action's goal healthy (a wave goes on to the next region
 * only then), is still on its way, or degraded (a wave stops): Argo reports it degraded,
 * an analysis failed, the canary restarts `restartLimit` times or more, or a new
 * revision replaced the one being rolled out.
 */
export function rolloutGoalProgress(
  view: RolloutRegionView,
  goal: RolloutGoal,
  options: { restartLimit: number },
): RolloutGoalProgress {
  const stable = view.groups.find(
    g => g.role === 'stable' || g.role === 'active',
  );
  const canary = view.groups.find(
    g => g.role === 'canary' || g.role === 'preview',
  );
  const failed = failedAnalysis({ analysisRuns: view.analysis.runs });
  if (goal.action === 'abort') {
    if (
      !view.aborted &&
      view.podHash === goal.podHash &&
      view.state !== 'completed'
    )
      return {
        status: 'waiting',
        detail: 'waiting for the controller to take the abort',
      };
    const left = canary?.pods ?? 0;
    const ready = stable?.ready ?? 0;
    if (left === 0 && ready >= view.desired)
      return {
        status: 'reached',
        detail: `stable at 100%: ${ready}/${view.desired} pods Ready, no ${
          view.strategy === 'canary' ? 'canary' : 'preview'
        } pods`,
      };
    return {
      status: 'waiting',
      detail: `stable ${ready}/${view.desired} Ready, ${left} ${
        canary?.role ?? 'canary'
      } pod(s) left`,
    };
  }
  if (goal.podHash && view.podHash !== goal.podHash)
    return {
      status: 'degraded',
      detail: `a new revision replaced the one being rolled out (pod hash ${goal.podHash} -> ${view.podHash})`,
    };
  // Before the abort: Argo aborts a rollout whose analysis failed; the analysis says why.
  if (failed && view.aborted && goal.action !== 'retry')
    return { status: 'degraded', detail: failed };
  if (view.aborted)
    return goal.action === 'retry'
      ? {
          status: 'waiting',
          detail: 'waiting for the controller to take the retry',
        }
      : { status: 'degraded', detail: 'the rollout was aborted' };
  // Just retried: the abort flag is off, the controller has not reconciled it yet.
  if (
    goal.action === 'retry' &&
    view.phase === 'Degraded' &&
    view.message?.startsWith('RolloutAborted')
  )
    return {
      status: 'waiting',
      detail: 'waiting for the controller to take the retry',
    };
  if (view.phase === 'Degraded')
    return {
      status: 'degraded',
      detail: `Argo reports the rollout degraded${
        view.message ? `: ${view.message}` : ''
      }`,
    };
  if (failed) return { status: 'degraded', detail: failed };
  if (canary && canary.restarts >= options.restartLimit)
    return {
      status: 'degraded',
      detail: `the ${canary.role} pods restarted ${canary.restarts} times`,
    };
  const completed =
    view.state === 'completed' && view.stableHash === goal.podHash;
  const end =
    goal.strategy === 'blueGreen' ||
    goal.stepIndex === undefined ||
    goal.stepIndex >= (view.stepCount ?? 0);
  if (goal.action === 'retry' && goal.strategy === 'blueGreen') {
    if (view.paused && canary && canary.ready >= view.desired)
      return {
        status: 'reached',
        detail: `preview ${canary.ready}/${view.desired} Ready, paused before the switch`,
      };
    return {
      status: 'waiting',
      detail: `preview ${canary?.ready ?? 0}/${view.desired} Ready`,
    };
  }
  if (end) {
    if (completed && (stable?.ready ?? 0) >= view.desired)
      return {
        status: 'reached',
        detail: `fully promoted: ${stable?.ready}/${view.desired} pods Ready on ${view.stableHash}`,
      };
    return {
      status: 'waiting',
      detail: `${canary?.ready ?? stable?.ready ?? 0}/${
        view.desired
      } new pods Ready; ${view.message ?? view.phase ?? 'progressing'}`,
    };
  }
  const wanted = Math.min(
    view.desired,
    Math.ceil((view.desired * (goal.weight ?? 0)) / 100),
  );
  const at = view.stepIndex ?? -1;
  const ready = canary?.ready ?? 0;
  if (at >= goal.stepIndex! && view.paused && ready >= wanted)
    return {
      status: 'reached',
      detail: `at step ${at} (${goal.weight}%): canary ${ready}/${
        canary?.pods ?? 0
      } Ready, paused`,
    };
  return {
    status: 'waiting',
    detail: `at step ${at} of ${view.stepCount}; canary ${ready}/${wanted} Ready`,
  };
}
