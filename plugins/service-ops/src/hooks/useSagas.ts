import { useApi } from '@backstage/frontend-plugin-api';
import type {
  SagaCounts,
  SagaInstanceResponse,
  SagaList,
  SagaState,
} from '@internal/backstage-plugin-service-ops-common';
import { serviceOpsApiRef } from '../api';
import { PolledState, useBacklogPolling } from './useBacklogPolling';

export interface SagaFilter {
  state?: SagaState;
  region?: string;
}

/** Publish sagas, newest first, filtered by state and region; polled. */
export function useSagas(filter: SagaFilter): PolledState<SagaList> {
  const { state, region } = filter;
  const api = useApi(serviceOpsApiRef);
  return useBacklogPolling(
    () => api.getSagas({ state, region }),
    `${state ?? ''} ${region ?? ''}`,
  );
}

/** How many publish sagas are in each state; polled. */
export function useSagaCounts(): PolledState<SagaCounts> {
  const api = useApi(serviceOpsApiRef);
  return useBacklogPolling(() => api.getSagaCounts(), 'counts');
}

/** One saga and its steps while `id` is set; polled. */
export function useSaga(
  id: string | undefined,
): PolledState<SagaInstanceResponse> {
  const api = useApi(serviceOpsApiRef);
  return useBacklogPolling(() => api.getSaga({ id: id ?? '' }), id);
}
