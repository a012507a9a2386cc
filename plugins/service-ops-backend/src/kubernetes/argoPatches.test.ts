import { argoPatches } from './argoPatches';
import type { ArgoRollout } from './wireTypes';

const steps = [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }];
const canary = (
  status: ArgoRollout['status'],
  spec: Partial<NonNullable<ArgoRollout['spec']>> = {},
): ArgoRollout => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  spec: { strategy: { canary: { steps } }, ...spec },
  status: { stableRS: 'a', currentPodHash: 'b', ...status },
});

describe('argoPatches (what kubectl argo rollouts sends)', () => {
  it('promotes a paused canary by clearing its pause conditions', () => {
    expect(
      argoPatches(
        canary({
          currentStepIndex: 1,
          pauseConditions: [{ reason: 'CanaryPauseStep' }],
        }),
        'promote',
      ),
    ).toEqual({
      status: { status: { pauseConditions: null } },
      unified: { spec: { paused: false }, status: { pauseConditions: null } },
    });
  });

  it('promotes a canary between pauses (an analysis step) to the next step index', () => {
    expect(argoPatches(canary({ currentStepIndex: 1 }), 'promote')).toEqual({
      status: { status: { pauseConditions: null, currentStepIndex: 2 } },
      unified: {
        spec: { paused: false },
        status: { pauseConditions: null, currentStepIndex: 2 },
      },
    });
  });

  it('unpauses spec.paused with a spec patch as well', () => {
    const patches = argoPatches(
      canary(
        { currentStepIndex: 1, pauseConditions: [{ reason: 'PausedByUser' }] },
        { paused: true },
      ),
      'promote',
    );
    expect(patches.spec).toEqual({ spec: { paused: false } });
    expect(patches.status).toEqual({ status: { pauseConditions: null } });
  });

  it('promotes a paused blue/green by clearing its pause conditions only', () => {
    expect(
      argoPatches(
        {
          spec: { strategy: { blueGreen: { activeService: 'x' } } },
          status: { pauseConditions: [{ reason: 'BlueGreenPause' }] },
        },
        'promote',
      ).status,
    ).toEqual({ status: { pauseConditions: null } });
  });

  it('promotes fully with promoteFull, and not at all when nothing rolls out', () => {
    expect(argoPatches(canary({}), 'promote-full').status).toEqual({
      status: { promoteFull: true },
    });
    expect(
      argoPatches(canary({ currentPodHash: 'a' }), 'promote-full'),
    ).toEqual({});
  });

  it('aborts and retries with the abort flag, the same body on both resources', () => {
    expect(argoPatches(canary({}), 'abort')).toEqual({
      status: { status: { abort: true } },
      unified: { status: { abort: true } },
    });
    expect(argoPatches(canary({ abort: true }), 'retry')).toEqual({
      status: { status: { abort: false } },
      unified: { status: { abort: false } },
    });
  });
});
