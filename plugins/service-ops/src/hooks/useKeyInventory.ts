import { useApi } from '@backstage/frontend-plugin-api';
import { KeyInventory } from '@internal/backstage-plugin-service-ops-common';
import { GetKeyInventoryOptions, signingKeysApiRef } from '../api';
import { RefetchedState, useRefetched } from './useRefetched';

/** How often the inventory is read again while the page is open. */
export const KEY_INVENTORY_POLL_MS = 30_000;

/**
 * The key inventory for the options (a new fetch when they change), read again every
 * 30 s and when `tick` changes (a rotation of this page changed keys).
 */
export function useKeyInventory(
  options: GetKeyInventoryOptions,
  tick: number,
): RefetchedState<KeyInventory> {
  const api = useApi(signingKeysApiRef);
  return useRefetched(
    () => api.getKeyInventory(options),
    JSON.stringify(options),
    tick,
    () => KEY_INVENTORY_POLL_MS,
  );
}
