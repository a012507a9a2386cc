import { useApi } from '@backstage/frontend-plugin-api';
import type {
  BacklogHistory,
  EntityBacklog,
  PoisonList,
} from '@internal/backstage-plugin-service-ops-common';
import { BacklogWindow, serviceOpsApiRef } from '../api';
import { PolledState, useBacklogPolling } from './useBacklogPolling';

/** An entity's streams and consumers now, polled. */
export function useBacklog(entityRef: string): PolledState<EntityBacklog> {
  const api = useApi(serviceOpsApiRef);
  return useBacklogPolling(() => api.getBacklog({ entityRef }), entityRef);
}

/** An entity's sampled backlog over a window, polled. */
export function useBacklogHistory(options: {
  entityRef: string;
  window: BacklogWindow;
}): PolledState<BacklogHistory> {
  const { entityRef, window } = options;
  const api = useApi(serviceOpsApiRef);
  return useBacklogPolling(
    () => api.getBacklogHistory({ entityRef, window }),
    `${entityRef} ${window}`,
  );
}

/** The poison messages of an entity's consumers, polled. */
export function useBacklogPoison(entityRef: string): PolledState<PoisonList> {
  const api = useApi(serviceOpsApiRef);
  return useBacklogPolling(() => api.getPoison({ entityRef }), entityRef);
}
