import { ConfigReader } from '@backstage/config';
import {
  DEFAULT_ROLLOUT_SETTINGS,
  readRolloutSettings,
} from './readRolloutSettings';

const read = (rollouts: object) =>
  readRolloutSettings(
    new ConfigReader({ serviceOps: { operations: { rollouts } } }),
  );

describe('readRolloutSettings', () => {
  it('has defaults: a second approver for a full promote', () => {
    expect(readRolloutSettings(new ConfigReader({}))).toEqual(
      DEFAULT_ROLLOUT_SETTINGS,
    );
    expect(DEFAULT_ROLLOUT_SETTINGS.promoteFullApprovals).toBe(1);
  });

  it('reads what is set', () => {
    expect(
      read({ promoteFullApprovals: 0, stepTimeoutSeconds: 60, pollSeconds: 1 }),
    ).toMatchObject({
      promoteFullApprovals: 0,
      stepTimeoutSeconds: 60,
      pollSeconds: 1,
      canaryRestartLimit: 3,
    });
  });

  it.each([
    [
      { promoteFullApprovals: 6 },
      /promoteFullApprovals must be a whole number from 0 to 5, got 6/,
    ],
    [
      { promoteFullApprovals: 1.5 },
      /promoteFullApprovals must be a whole number/,
    ],
    [
      { approvalWindowSeconds: 10 },
      /approvalWindowSeconds must be a number from 60/,
    ],
    [{ canaryRestartLimit: 0 }, /canaryRestartLimit/],
  ])('refuses %j naming the key', (rollouts, message) => {
    expect(() => read(rollouts)).toThrow(message);
  });
});
