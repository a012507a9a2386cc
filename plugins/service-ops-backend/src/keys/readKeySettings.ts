import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_KEY_ROTATION_POLICY,
  KEY_REGIONS,
  KeyRotationPolicy,
} from '@internal/backstage-plugin-service-ops-common';

/** How key rotations run (`serviceOps.keys.rotation`). */
export interface KeyRotationSettings {
  /** Approvals a rotation needs from people other than its requester. */
  approvals: number;
  /** How long a rotation waits for its approvals. */
  approvalWindowSeconds: number;
  /** Every region's JWKS must show the new key within this, or the tenant's rotation stops before activation. */
  replicationTimeoutSeconds: number;
  /** How often the regions' JWKS are read while waiting. */
  pollSeconds: number;
  /** A drill keeps the replaced key verify-only this long. */
  graceSeconds: number;
  /** Tenants rotated at once by a bulk rotation (its default and its most). */
  concurrency: number;
  maxConcurrency: number;
  /** Tenants one request may rotate. */
  maxTenants: number;
}

export interface KeySettings {
  /** The container entity whose keys these are (it signs the bundles). */
  container: string;
  /** The regions whose JWKS must have a key before it is activated. */
  regions: string[];
  policy: KeyRotationPolicy;
  /** How long the inventory read from content-service is reused. */
  cacheSeconds: number;
  /** How long a request to content-service may take. */
  requestTimeoutMs: number;
  rotation: KeyRotationSettings;
}

export const DEFAULT_KEY_SETTINGS: KeySettings = {
  container: 'content-bundler',
  regions: [...KEY_REGIONS],
  policy: DEFAULT_KEY_ROTATION_POLICY,
  cacheSeconds: 10,
  requestTimeoutMs: 5000,
  rotation: {
    approvals: 1,
    approvalWindowSeconds: 1800,
    replicationTimeoutSeconds: 600,
    pollSeconds: 2,
    graceSeconds: 14 * 86_400,
    concurrency: 5,
    maxConcurrency: 20,
    maxTenants: 500,
  },
};

/** `serviceOps.keys`, with defaults; a value out of range is an error naming it. */
export function readKeySettings(config: Config): KeySettings {
  const root = config.getOptionalConfig('serviceOps.keys');
  const rotation = root?.getOptionalConfig('rotation');
  const d = DEFAULT_KEY_SETTINGS;
  const number = (
    source: Config | undefined,
    path: string,
    key: string,
    fallback: number,
    min: number,
    max: number,
    integer = true,
  ) => {
    const value = source?.getOptionalNumber(key) ?? fallback;
    if (
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    )
      throw new InputError(
        `${path}.${key} must be a ${
          integer ? 'whole ' : ''
        }number from ${min} to ${max}, got ${value}`,
      );
    return value;
  };
  const k = 'serviceOps.keys';
  const r = `${k}.rotation`;
  const regions = root?.getOptionalStringArray('regions') ?? d.regions;
  if (regions.length === 0)
    throw new InputError(`${k}.regions must name at least one region`);
  const maxConcurrency = number(
    rotation,
    r,
    'maxConcurrency',
    d.rotation.maxConcurrency,
    1,
    100,
  );
  return {
    container: root?.getOptionalString('container') ?? d.container,
    regions,
    policy: {
      rotationDays: number(
        root,
        k,
        'rotationDays',
        d.policy.rotationDays,
        1,
        3650,
      ),
      dueSoonDays: number(root, k, 'dueSoonDays', d.policy.dueSoonDays, 0, 365),
    },
    cacheSeconds: number(root, k, 'cacheSeconds', d.cacheSeconds, 0, 3600),
    requestTimeoutMs: number(
      root,
      k,
      'requestTimeoutMs',
      d.requestTimeoutMs,
      100,
      60_000,
    ),
    rotation: {
      approvals: number(rotation, r, 'approvals', d.rotation.approvals, 1, 5),
      approvalWindowSeconds: number(
        rotation,
        r,
        'approvalWindowSeconds',
        d.rotation.approvalWindowSeconds,
        60,
        7 * 86_400,
      ),
      replicationTimeoutSeconds: number(
        rotation,
        r,
        'replicationTimeoutSeconds',
        d.rotation.replicationTimeoutSeconds,
        1,
        86_400,
      ),
      pollSeconds: number(
        rotation,
        r,
        'pollSeconds',
        d.rotation.pollSeconds,
        0.05,
        600,
        false,
      ),
      graceSeconds: number(
        rotation,
        r,
        'graceSeconds',
        d.rotation.graceSeconds,
        0,
        90 * 86_400,
      ),
      concurrency: number(
        rotation,
        r,
        'concurrency',
        d.rotation.concurrency,
        1,
        maxConcurrency,
      ),
      maxConcurrency,
      maxTenants: number(
        rotation,
        r,
        'maxTenants',
        d.rotation.maxTenants,
        1,
        5000,
      ),
    },
  };
}
