import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  EntityRollout,
  liveStateChannel,
} from '@internal/backstage-plugin-service-ops-common';
import { serviceOpsApiRef } from '../api';
import { MIN_REFETCH_INTERVAL_MS } from './useEntitySnapshot';
import { useThrottledTick } from './useThrottledTick';
import { RefetchedState, useRefetched } from './useRefetched';

/** How often the rollout is fetched again while a region moves by itself. */
export const ROLLOUT_POLL_MS = 5_000;
/** How often otherwise (the signals bring changes; this renews nothing else). */
export const ROLLOUT_IDLE_POLL_MS = 30_000;

/**
 * A container's Argo rollout in every region: fetched again whenever the entity's live
 * state changes (its signal, at most once a second), every 5 s while a region is
 * progressing, every 30 s otherwise.
 */
export function useEntityRollout(
  entityRef: string,
): RefetchedState<EntityRollout> {
  const api = useApi(serviceOpsApiRef);
  const { lastSignal } = useSignal(liveStateChannel(entityRef));
  const pushed = useThrottledTick(lastSignal, MIN_REFETCH_INTERVAL_MS);
  return useRefetched(
    () => api.getRollout({ entityRef }),
    entityRef,
    pushed,
    rollout =>
      rollout?.regions.some(r => r.state === 'progressing')
        ? ROLLOUT_POLL_MS
        : ROLLOUT_IDLE_POLL_MS,
  );
}
