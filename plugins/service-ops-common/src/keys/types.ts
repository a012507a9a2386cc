/**
 * Per-tenant signing keys of content-service (its content-bundler signs per-device
 * bundles with an HSM-backed key per tenant, replicated per region), as the key
 * administration contract (`api:default/content-signing-keys`) reports them.
 */

/** The regions a key is replicated to. */
export const KEY_REGIONS = ['us', 'eu', 'me', 'ap'] as const;

/** JOSE algorithms the key service signs with: Ed25519 (`EdDSA`) or ECDSA P-256 (`ES256`). */
export const SIGNING_ALGORITHMS = ['EdDSA', 'ES256'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * - `pending`: created (and being replicated), verifies nothing yet, signs nothing;
 * - `active`: the one key the tenant's bundles are signed with;
 * - `verify-only`: no longer signs, still verifies bundles signed with it;
 * - `revoked`: verifies nothing; bundles signed with it are rejected.
 */
export const KEY_STATES = [
  'pending',
  'active',
  'verify-only',
  'revoked',
] as const;
export type SigningKeyState = (typeof KEY_STATES)[number];

/** Why a key was created. */
export type KeyOriginType = 'initial' | 'annual' | 'drill' | 'emergency';

/** Whether a region's JWKS holds a key. */
export interface KeyRegionReplication {
  state: 'replicated' | 'pending';
  /** When the region's JWKS got it. */
  at?: string;
}

/** One signing key of a tenant. */
export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  state: SigningKeyState;
  createdAt: string;
  activatedAt?: string;
  /** When it stopped signing (became verify-only). */
  retiredAt?: string;
  revokedAt?: string;
  /** For a verify-only key kept for a grace window: when it will be revoked. */
  revokeAt?: string;
  origin: { type: KeyOriginType; operationId?: string; reason?: string };
  /** Per region: whether that region's JWKS has the key. */
  replication: Record<string, KeyRegionReplication>;
}

/** A tenant's keys, newest first. */
export interface TenantKeys {
  tenantId: string;
  /** The region the tenant's bundles are served from. */
  homeRegion: string;
  keys: SigningKey[];
}

/** When a tenant's annual rotation is due. */
export type AnnualRotationStatus =
  | 'ok'
  | 'due-soon'
  | 'overdue'
  | 'no-active-key';

/**
 * The quarterly emergency-rotation drill:
 * - `current`: a drill completed in the current calendar quarter (UTC);
 * - `due`: the last one was in the previous quarter; this quarter's is still to do;
 * - `overdue`: no drill in this quarter or the previous one (or ever).
 */
export type DrillStatus = 'current' | 'due' | 'overdue';

/** One tenant in the key inventory. */
export interface KeyInventoryItem {
  tenantId: string;
  homeRegion: string;
  activeKid?: string;
  algorithm?: SigningAlgorithm;
  activatedAt?: string;
  /** Whole days since the active key was activated. */
  ageDays?: number;
  /** When the active key must be rotated (activated + the rotation period). */
  rotationDueAt?: string;
  /** Days until then (negative when overdue). */
  daysToRotation?: number;
  rotation: AnnualRotationStatus;
  /** When the last emergency-rotation drill activated its key. */
  lastDrillAt?: string;
  drill: DrillStatus;
  /** The active key's replication per region. */
  replication: Record<string, KeyRegionReplication['state']>;
  /** A key created and not activated yet (a rotation under way). */
  pendingKid?: string;
  verifyOnlyKids: string[];
  revokedCount: number;
}

/** The inventory's policy: the annual rotation and when it counts as due soon. */
export interface KeyRotationPolicy {
  rotationDays: number;
  dueSoonDays: number;
}

export const DEFAULT_KEY_ROTATION_POLICY: KeyRotationPolicy = {
  rotationDays: 365,
  dueSoonDays: 30,
};

/** A page of the inventory, with the totals of the whole (filtered) set. */
export interface KeyInventory {
  items: KeyInventoryItem[];
  totalCount: number;
  /** Over every tenant (not only the filtered ones). */
  summary: {
    tenants: number;
    rotationOverdue: number;
    rotationDueSoon: number;
    drillOverdue: number;
    drillDue: number;
    notReplicated: number;
  };
  /** When the current quarter ends (the deadline of this quarter's drills). */
  quarterEndsAt: string;
  generatedAt: string;
}

/** How a rotation treats the key it replaces. */
export const KEY_ROTATION_MODES = ['emergency', 'drill'] as const;
export type KeyRotationMode = (typeof KEY_ROTATION_MODES)[number];

/** Parameters of a key rotation operation. */
export interface KeyRotationParameters {
  /** The tenants rotated (one, or a bulk list). */
  tenants: string[];
  /**
   * `emergency`: the replaced key is revoked once the new one is active; `drill`: it is
   * kept verify-only for `graceSeconds`, and the drill's date counts for the quarter.
   */
  mode: KeyRotationMode;
  graceSeconds: number;
  /** Tenants rotated at the same time (bulk). */
  concurrency: number;
}
