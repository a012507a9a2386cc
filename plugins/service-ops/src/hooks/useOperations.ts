import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  isFinalOperationState,
  Operation,
  OperationList,
  operationsChannel,
} from '@internal/backstage-plugin-service-ops-common';
import { serviceOpsApiRef } from '../api';
import { MIN_REFETCH_INTERVAL_MS } from './useEntitySnapshot';
import { useThrottledTick } from './useThrottledTick';
import { RefetchedState, useRefetched } from './useRefetched';

/**
 * How often an operation that is not final is fetched again besides its signals: a
 * modest fallback for a lost signal or an app without the signals plugin.
 */
export const OPERATION_POLL_MS = 5_000;

/** How often the history is fetched again without signals and nothing running. */
export const HISTORY_POLL_WITHOUT_SIGNALS_MS = 30_000;

/** How many operations the history shows. */
export const HISTORY_LIMIT = 20;

/**
 * The entity's operations, newest first: fetched again whenever the backend signals on
 * `operationsChannel(entityRef)` that one changed (at most once a second), every 5 s
 * while one is not final, and every 30 s without signals.
 */
export function useEntityOperations(
  entityRef: string,
): RefetchedState<OperationList> {
  const api = useApi(serviceOpsApiRef);
  const { lastSignal, isSignalsAvailable } = useSignal(
    operationsChannel(entityRef),
  );
  const pushed = useThrottledTick(lastSignal, MIN_REFETCH_INTERVAL_MS);
  return useRefetched(
    () => api.getOperations({ entityRef, limit: HISTORY_LIMIT }),
    entityRef,
    pushed,
    list => {
      if (list?.items.some(o => !isFinalOperationState(o.state))) {
        return OPERATION_POLL_MS;
      }
      return isSignalsAvailable ? null : HISTORY_POLL_WITHOUT_SIGNALS_MS;
    },
  );
}

/**
 * One operation while `id` is set: fetched again when a signal on the entity's channel
 * names it (at most once a second), and every 5 s until it is final.
 */
export function useOperation(
  entityRef: string,
  id: string | undefined,
): RefetchedState<Operation> {
  const api = useApi(serviceOpsApiRef);
  const { lastSignal } = useSignal(operationsChannel(entityRef));
  const [named, setNamed] = useState(0);
  useEffect(() => {
    if (id && lastSignal?.id === id) setNamed(n => n + 1);
  }, [lastSignal, id]);
  const pushed = useThrottledTick(named, MIN_REFETCH_INTERVAL_MS);
  return useRefetched(
    () => api.getOperation({ id: id ?? '' }),
    id,
    pushed,
    operation =>
      operation && isFinalOperationState(operation.state)
        ? null
        : OPERATION_POLL_MS,
  );
}
