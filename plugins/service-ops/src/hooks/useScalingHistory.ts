import useAsync from 'react-use/esm/useAsync';
import useThrottle from 'react-use/esm/useThrottle';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ScalingHistory } from '@internal/backstage-plugin-service-ops-common';
import { HistoryWindow, serviceOpsApiRef } from '../api';

/** At most one history refetch per this interval while snapshots keep changing. */
export const HISTORY_REFRESH_MS = 10_000;

export interface ScalingHistoryState {
  value?: ScalingHistory;
  loading: boolean;
  error?: Error;
}

/**
 * Replicas and HPA metric values of an entity's containers over a window. Refetched
 * when the window or region changes, and when the snapshot changes (`generatedAt`),
 * throttled to one refetch per {@link HISTORY_REFRESH_MS}.
 */
export function useScalingHistory(options: {
  entityRef: string;
  window: HistoryWindow;
  /** One cluster only; all when absent. */
  cluster?: string;
  /** The current snapshot's time; a new one means new samples may exist. */
  generatedAt?: string;
}): ScalingHistoryState {
  const { entityRef, window, cluster, generatedAt } = options;
  const api = useApi(serviceOpsApiRef);
  const refresh = useThrottle(generatedAt, HISTORY_REFRESH_MS);
  const { value, loading, error } = useAsync(
    () => api.getHistory({ entityRef, window, cluster }),
    [api, entityRef, window, cluster, refresh],
  );
  return { value, loading, error };
}
