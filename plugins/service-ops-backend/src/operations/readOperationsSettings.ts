import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  CollabDrainSettings,
  DEFAULT_COLLAB_DRAIN_SETTINGS,
} from './CollabDrainHandler';

export interface OperationsSettings {
  leaseMs: number;
  pollMs: number;
  collabDrain: CollabDrainSettings;
}

/** `serviceOps.operations`, with defaults; a value out of range is an error naming it. */
export function readOperationsSettings(config: Config): OperationsSettings {
  const root = config.getOptionalConfig('serviceOps.operations');
  const drain = root?.getOptionalConfig('collabDrain');
  const number = (
    source: Config | undefined,
    key: string,
    fallback: number,
    min: number,
    max: number,
    prefix: string,
  ) => {
    const value = source?.getOptionalNumber(key) ?? fallback;
    if (!Number.isFinite(value) || value < min || value > max)
      throw new InputError(
        `${prefix}.${key} must be a number from ${min} to ${max}, got ${value}`,
      );
    return value;
  };
  const ops = 'serviceOps.operations';
  const cd = `${ops}.collabDrain`;
  const d = DEFAULT_COLLAB_DRAIN_SETTINGS;
  return {
    leaseMs: number(root, 'leaseSeconds', 30, 5, 3600, ops) * 1000,
    pollMs: number(root, 'pollMs', 1000, 50, 60_000, ops),
    collabDrain: {
      container: drain?.getOptionalString('container') ?? d.container,
      sessionsMetric:
        drain?.getOptionalString('sessionsMetric') ?? d.sessionsMetric,
      noticeSeconds: number(
        drain,
        'noticeSeconds',
        d.noticeSeconds,
        0,
        3600,
        cd,
      ),
      replacementTimeoutSeconds: number(
        drain,
        'replacementTimeoutSeconds',
        d.replacementTimeoutSeconds,
        1,
        86_400,
        cd,
      ),
      reconnectTimeoutSeconds: number(
        drain,
        'reconnectTimeoutSeconds',
        d.reconnectTimeoutSeconds,
        0,
        86_400,
        cd,
      ),
      reconnectRatio: number(
        drain,
        'reconnectRatio',
        d.reconnectRatio,
        0,
        1,
        cd,
      ),
      pollSeconds: number(drain, 'pollSeconds', d.pollSeconds, 0.05, 600, cd),
      replacementSeconds: number(
        drain,
        'replacementSeconds',
        d.replacementSeconds,
        0,
        86_400,
        cd,
      ),
      evictionBackoffSeconds: d.evictionBackoffSeconds,
    },
  };
}
