import fixtures from './__fixtures__/rolloutRegions.json';
import {
  describeRolloutRegion,
  promoteTargetStep,
  rolloutChanges,
  rolloutGoal,
  rolloutGoalProgress,
} from './describeRollout';
import { ContainerRegionState, LiveRolloutState } from './types';

const regions = fixtures as unknown as Record<string, ContainerRegionState>;
const view = (name: string) => describeRolloutRegion(regions[name])!;
const rolloutOf = (name: string) =>
  regions[name].workload!.rollout as LiveRolloutState;
const limits = { restartLimit: 3 };

describe('describeRolloutRegion', () => {
  it('shows a canary paused at 10%: the ladder, stable and canary pods, signals, actions', () => {
    const eu = view('pausedAtTen');
    expect(eu).toMatchObject({
      cluster: 'eu',
      state: 'paused',
      stepIndex: 1,
      stepCount: 5,
      weight: 10,
      pauseReason: 'CanaryPauseStep',
      pausedSince: '2026-12-01T10:00:00.000Z',
      stableHash: 'stable1',
      podHash: 'canary2',
      expected: { stepIndex: 1, podHash: 'canary2', aborted: false },
      analysis: { declared: false, runs: [] },
      hpa: { current: 4, metrics: ['cpu: 55% of request (target 60%)'] },
    });
    expect(eu.steps.map(s => s.status)).toEqual([
      'done',
      'current',
      'pending',
      'pending',
      'pending',
    ]);
    expect(eu.groups).toEqual([
      expect.objectContaining({
        role: 'stable',
        pods: 3,
        ready: 3,
        cpuOfRequest: 40,
      }),
      expect.objectContaining({
        role: 'canary',
        pods: 1,
        ready: 1,
        cpuOfRequest: 100,
      }),
    ]);
    expect(eu.signals).toEqual([
      'stable 3/3 Ready, 0 restarts, CPU 40% of request',
      'canary 1/1 Ready, 0 restarts, CPU 100% of request',
      'the canary uses more CPU than the stable (100% against 40% of request)',
    ]);
    expect(eu.actions).toEqual({
      promote: { allowed: true },
      'promote-full': { allowed: true },
      abort: { allowed: true },
      retry: {
        allowed: false,
        reason: 'only an aborted rollout can be retried',
      },
    });
  });

  it('counts the restarts of a crash-looping canary against the stable', () => {
    const me = view('crashLoopAtFifty');
    expect(me.groups[1]).toMatchObject({
      role: 'canary',
      ready: 0,
      restarts: 4,
    });
    expect(me.signals).toContain(
      'the canary restarted more than the stable (4 against 0)',
    );
  });

  it('shows an aborted rollout on stable, with retry as the only way on', () => {
    const ap = view('aborted');
    expect(ap).toMatchObject({ state: 'aborted', weight: 0, aborted: true });
    expect(ap.groups[1]).toMatchObject({
      role: 'canary',
      pods: 0,
      terminating: 1,
    });
    expect(ap.actions.promote).toEqual({
      allowed: false,
      reason: 'the rollout is aborted: retry it first',
    });
    expect(ap.actions.abort.allowed).toBe(false);
    expect(ap.actions.retry.allowed).toBe(true);
  });

  it('has nothing to promote once the canary is stable', () => {
    const us = view('completed');
    expect(us.state).toBe('completed');
    expect(us.groups.map(g => g.role)).toEqual(['stable']);
    expect(us.actions.promote.reason).toMatch(/nothing is rolling out/);
  });

  it('calls a rollout whose analysis failed degraded and says why', () => {
    const eu = view('analysisFailed');
    expect(eu.state).toBe('degraded');
    expect(eu.analysis.declared).toBe(true);
    expect(eu.signals).toContain(
      'analysis content-api-canary2-2 failed: success-rate 0.91 < 0.99',
    );
    expect(eu.actions.promote.allowed).toBe(false);
    expect(eu.actions.abort.allowed).toBe(true);
  });

  it('shows blue/green as active and preview, without steps', () => {
    const us = view('blueGreenPaused');
    expect(us).toMatchObject({
      strategy: 'blueGreen',
      state: 'paused',
      steps: [],
      stableHash: 'blue1',
      podHash: 'green2',
    });
    expect(us.stepIndex).toBeUndefined();
    expect(us.groups.map(g => [g.role, g.pods])).toEqual([
      ['active', 2],
      ['preview', 2],
    ]);
  });

  it('describes no region without an Argo rollout', () => {
    expect(
      describeRolloutRegion({ ...regions.completed, workload: undefined }),
    ).toBeUndefined();
  });
});

describe('rolloutChanges', () => {
  it('is empty when the rollout is where the operator saw it', () => {
    expect(
      rolloutChanges(view('pausedAtTen').expected, rolloutOf('pausedAtTen')),
    ).toEqual([]);
  });

  it('says which step it moved to, and that a new revision came', () => {
    expect(
      rolloutChanges(
        { stepIndex: 1, podHash: 'canary1', aborted: false },
        rolloutOf('crashLoopAtFifty'),
      ),
    ).toEqual([
      'a new revision is rolling out: pod hash canary1 -> canary2',
      'the rollout moved from step 1 (pause until promoted, 10%) to step 3 (pause until promoted, 50%)',
    ]);
    expect(rolloutChanges({ aborted: false }, rolloutOf('aborted'))).toEqual([
      'the rollout was aborted meanwhile',
    ]);
  });
});

describe('goals', () => {
  it('stops a promote at the next pause without a duration, else at the end', () => {
    expect(promoteTargetStep(rolloutOf('pausedAtTen'))).toBe(3);
    expect(promoteTargetStep(rolloutOf('crashLoopAtFifty'))).toBe(5);
    expect(rolloutGoal(rolloutOf('pausedAtTen'), 'promote')).toEqual({
      action: 'promote',
      strategy: 'canary',
      podHash: 'canary2',
      stepIndex: 3,
      weight: 50,
    });
    expect(rolloutGoal(rolloutOf('aborted'), 'retry')).toMatchObject({
      stepIndex: 1,
      weight: 10,
    });
  });

  it('is reached at the target step, paused, with the canary Ready', () => {
    const goal = rolloutGoal(rolloutOf('pausedAtTen'), 'retry');
    expect(rolloutGoalProgress(view('pausedAtTen'), goal, limits)).toEqual({
      status: 'reached',
      detail: 'at step 1 (10%): canary 1/1 Ready, paused',
    });
    const further = rolloutGoal(rolloutOf('pausedAtTen'), 'promote');
    expect(rolloutGoalProgress(view('pausedAtTen'), further, limits)).toEqual({
      status: 'waiting',
      detail: 'at step 1 of 5; canary 1/2 Ready',
    });
  });

  it('degrades on canary restarts, failed analysis, an abort or a new revision', () => {
    const goal = {
      action: 'promote' as const,
      strategy: 'canary' as const,
      podHash: 'canary2',
      stepIndex: 3,
      weight: 50,
    };
    expect(rolloutGoalProgress(view('crashLoopAtFifty'), goal, limits)).toEqual(
      {
        status: 'degraded',
        detail: 'the canary pods restarted 4 times',
      },
    );
    expect(
      rolloutGoalProgress(view('crashLoopAtFifty'), goal, { restartLimit: 10 })
        .status,
    ).toBe('waiting');
    expect(rolloutGoalProgress(view('analysisFailed'), goal, limits)).toEqual({
      status: 'degraded',
      detail: 'analysis content-api-canary2-2 failed: success-rate 0.91 < 0.99',
    });
    expect(rolloutGoalProgress(view('aborted'), goal, limits).status).toBe(
      'degraded',
    );
    expect(
      rolloutGoalProgress(
        view('pausedAtTen'),
        { ...goal, podHash: 'x' },
        limits,
      ),
    ).toMatchObject({ status: 'degraded' });
  });

  it('waits for the controller to take a retry (the abort flag off, the phase still Degraded)', () => {
    const goal = rolloutGoal(rolloutOf('aborted'), 'retry');
    const justRetried = describeRolloutRegion({
      ...regions.aborted,
      workload: {
        ...regions.aborted.workload!,
        rollout: { ...rolloutOf('aborted'), aborted: false },
      },
    })!;
    expect(rolloutGoalProgress(justRetried, goal, limits)).toEqual({
      status: 'waiting',
      detail: 'waiting for the controller to take the retry',
    });
    // Degraded for another reason stops it.
    const degraded = describeRolloutRegion({
      ...regions.aborted,
      workload: {
        ...regions.aborted.workload!,
        rollout: {
          ...rolloutOf('aborted'),
          aborted: false,
          message: 'ProgressDeadlineExceeded',
        },
      },
    })!;
    expect(rolloutGoalProgress(degraded, goal, limits).status).toBe('degraded');
  });

  it('names the failed analysis of a rollout Argo aborted because of it', () => {
    const goal = rolloutGoal(rolloutOf('pausedAtTen'), 'promote');
    const abortedByAnalysis = describeRolloutRegion({
      ...regions.aborted,
      workload: {
        ...regions.aborted.workload!,
        rollout: {
          ...rolloutOf('aborted'),
          analysisRuns: [
            { kind: 'step', name: 'run-3', status: 'Failed', message: 'low' },
          ],
        },
      },
    })!;
    expect(rolloutGoalProgress(abortedByAnalysis, goal, limits)).toEqual({
      status: 'degraded',
      detail: 'analysis run-3 failed: low',
    });
  });

  it('is reached by an abort once no canary pod runs and stable is Ready at full size', () => {
    const goal = rolloutGoal(rolloutOf('pausedAtTen'), 'abort');
    expect(
      rolloutGoalProgress(view('pausedAtTen'), goal, limits),
    ).toMatchObject({ status: 'waiting' });
    expect(rolloutGoalProgress(view('aborted'), goal, limits)).toEqual({
      status: 'reached',
      detail: 'stable at 100%: 3/3 pods Ready, no canary pods',
    });
  });

  it('is reached by a full promote when the new pods are stable', () => {
    const goal = rolloutGoal(rolloutOf('pausedAtTen'), 'promote-full');
    expect(rolloutGoalProgress(view('completed'), goal, limits)).toEqual({
      status: 'reached',
      detail: 'fully promoted: 3/3 pods Ready on canary2',
    });
  });
});
