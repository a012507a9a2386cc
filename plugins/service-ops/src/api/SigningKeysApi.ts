import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  AnnualRotationStatus,
  DrillStatus,
  KeyInventory,
  KeyInventoryItem,
  KeyRotationMode,
  Operation,
  TenantKeys,
} from '@internal/backstage-plugin-service-ops-common';

/** The sorts the inventory offers. */
export const KEY_INVENTORY_SORTS = [
  'tenant',
  'age',
  'rotation-due',
  'last-drill',
] as const;
export type KeyInventorySort = (typeof KEY_INVENTORY_SORTS)[number];

export interface GetKeyInventoryOptions {
  /** The signing container's entity, e.g. `component:default/content-bundler`. */
  entityRef: string;
  /** Part of a tenant id or kid. */
  q?: string;
  homeRegion?: string;
  rotation?: AnnualRotationStatus;
  drill?: DrillStatus;
  notReplicated?: boolean;
  sort?: KeyInventorySort;
  /** 1 to 500; the backend's default (50) when absent. */
  limit?: number;
  offset?: number;
}

export interface GetTenantKeysOptions {
  entityRef: string;
  tenantId: string;
}

export interface TenantKeysResponse extends TenantKeys {
  item: KeyInventoryItem;
}

export interface StartKeyRotationOptions {
  entityRef: string;
  tenants: string[];
  mode: KeyRotationMode;
  /** At least 10 characters. */
  reason: string;
  /** Required for an emergency rotation. */
  incidentUrl?: string;
  /** Tenants rotated at once (bulk). */
  concurrency?: number;
  /** A drill: how long the replaced key stays verify-only. */
  graceSeconds?: number;
  /** Sent as `Idempotency-Key`: one per submit, the same on a retry of it. */
  idempotencyKey: string;
}

/** content-service's signing keys through the service-ops backend. */
export interface SigningKeysApi {
  /** Every tenant's keys summarized: filtered, sorted, a page at a time. */
  getKeyInventory(options: GetKeyInventoryOptions): Promise<KeyInventory>;
  /** One tenant's keys, newest first. */
  getTenantKeys(options: GetTenantKeysOptions): Promise<TenantKeysResponse>;
  /** Asks for a rotation of one or more tenants; it then awaits a second person's approval. */
  startKeyRotation(options: StartKeyRotationOptions): Promise<Operation>;
}

export const signingKeysApiRef = createApiRef<SigningKeysApi>().with({
  id: 'plugin.service-ops.signing-keys',
  pluginId: 'service-ops',
});
