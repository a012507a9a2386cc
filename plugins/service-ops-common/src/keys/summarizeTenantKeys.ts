import {
  DEFAULT_KEY_ROTATION_POLICY,
  DrillStatus,
  KeyInventoryItem,
  KeyRotationPolicy,
  TenantKeys,
} from './types';

const DAY_MS = 86_400_000;

/** The first instant (epoch ms, UTC) of the calendar quarter `offset` quarters from `now`'s. */
export function quarterStart(now: number, offset = 0): number {
  const date = new Date(now);
  const quarter = Math.floor(date.getUTCMonth() / 3) + offset;
  return Date.UTC(date.getUTCFullYear(), quarter * 3, 1);
}

/** Where the quarterly drill stands, from the last drill's date. */
export function drillStatus(
  lastDrillAt: number | undefined,
  now: number,
): DrillStatus {
  if (lastDrillAt === undefined) return 'overdue';
  if (lastDrillAt >= quarterStart(now)) return 'current';
  if (lastDrillAt >= quarterStart(now, -1)) return 'due';
  return 'overdue';
}

/**
 * One tenant's row of the key inventory: the active key and its age, when its annual
 * rotation is due, the last emergency-rotation drill (the latest activation of a key a
 * drill created) against the calendar quarter, the active key's replication per region,
 * and the keys in the other states.
 */
export function summarizeTenantKeys(
  tenant: TenantKeys,
  now: number,
  policy: KeyRotationPolicy = DEFAULT_KEY_ROTATION_POLICY,
): KeyInventoryItem {
  const active = tenant.keys.find(k => k.state === 'active');
  const pending = tenant.keys.find(k => k.state === 'pending');
  const drills = tenant.keys
    .filter(k => k.origin.type === 'drill' && k.activatedAt)
    .map(k => Date.parse(k.activatedAt!));
  const lastDrill = drills.length ? Math.max(...drills) : undefined;
  const item: KeyInventoryItem = {
    tenantId: tenant.tenantId,
    homeRegion: tenant.homeRegion,
    rotation: 'no-active-key',
    drill: drillStatus(lastDrill, now),
    ...(lastDrill !== undefined
      ? { lastDrillAt: new Date(lastDrill).toISOString() }
      : {}),
    replication: {},
    ...(pending ? { pendingKid: pending.kid } : {}),
    verifyOnlyKids: tenant.keys
      .filter(k => k.state === 'verify-only')
      .map(k => k.kid),
    revokedCount: tenant.keys.filter(k => k.state === 'revoked').length,
  };
  if (!active) return item;
  const since = Date.parse(active.activatedAt ?? active.createdAt);
  const due = since + policy.rotationDays * DAY_MS;
  const daysToRotation = Math.floor((due - now) / DAY_MS);
  let rotation: KeyInventoryItem['rotation'] = 'ok';
  if (now >= due) rotation = 'overdue';
  else if (due - now <= policy.dueSoonDays * DAY_MS) rotation = 'due-soon';
  return {
    ...item,
    activeKid: active.kid,
    algorithm: active.algorithm,
    activatedAt: new Date(since).toISOString(),
    ageDays: Math.floor((now - since) / DAY_MS),
    rotationDueAt: new Date(due).toISOString(),
    daysToRotation,
    rotation,
    replication: Object.fromEntries(
      Object.entries(active.replication).map(([region, r]) => [
        region,
        r.state,
      ]),
    ),
  };
}
