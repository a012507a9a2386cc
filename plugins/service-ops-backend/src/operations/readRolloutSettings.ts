import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** How rollout actions run (`serviceOps.operations.rollouts`). */
export interface RolloutSettings {
  /** Approvals a full promote needs from people other than its requester (0: none). */
  promoteFullApprovals: number;
  /** How long a full promote waits for its approvals before it fails. */
  approvalWindowSeconds: number;
  /** How often a wave checks the region it waits for. */
  pollSeconds: number;
  /** How long a region may take to reach an action's goal before the operation fails. */
  stepTimeoutSeconds: number;
  /** Restarts of the canary (or preview) pods at which a region counts as degraded. */
  canaryRestartLimit: number;
  /** How often a patch refused with 409 (the rollout changed) is read again and retried. */
  conflictRetries: number;
}

export const DEFAULT_ROLLOUT_SETTINGS: RolloutSettings = {
  promoteFullApprovals: 1,
  approvalWindowSeconds: 3600,
  pollSeconds: 5,
  stepTimeoutSeconds: 900,
  canaryRestartLimit: 3,
  conflictRetries: 5,
};

/** `serviceOps.operations.rollouts`, with defaults; a value out of range is an error naming it. */
export function readRolloutSettings(config: Config): RolloutSettings {
  const root = config.getOptionalConfig('serviceOps.operations.rollouts');
  const prefix = 'serviceOps.operations.rollouts';
  const d = DEFAULT_ROLLOUT_SETTINGS;
  const number = (
    key: keyof RolloutSettings,
    min: number,
    max: number,
    integer = false,
  ) => {
    const value = root?.getOptionalNumber(key) ?? d[key];
    if (
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    )
      throw new InputError(
        `${prefix}.${key} must be ${
          integer ? 'a whole number' : 'a number'
        } from ${min} to ${max}, got ${value}`,
      );
    return value;
  };
  return {
    promoteFullApprovals: number('promoteFullApprovals', 0, 5, true),
    approvalWindowSeconds: number('approvalWindowSeconds', 60, 7 * 86_400),
    pollSeconds: number('pollSeconds', 0.05, 600),
    stepTimeoutSeconds: number('stepTimeoutSeconds', 1, 86_400),
    canaryRestartLimit: number('canaryRestartLimit', 1, 1000, true),
    conflictRetries: number('conflictRetries', 0, 20, true),
  };
}
