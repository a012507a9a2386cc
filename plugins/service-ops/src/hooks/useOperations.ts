import { useCallback, useEffect, useRef, useState } from 'react';
import useInterval from 'react-use/esm/useInterval';
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

/**
 * How often an operation that is not final is fetched again besides its signals: a
 * modest fallback for a lost signal or an app without the signals plugin.
 */
export const OPERATION_POLL_MS = 5_000;

/** How often the history is fetched again without signals and nothing running. */
export const HISTORY_POLL_WITHOUT_SIGNALS_MS = 30_000;

/** How many operations the history shows. */
export const HISTORY_LIMIT = 20;

export interface RefetchedState<T> {
  /** The last answer for the current key; kept while a refetch runs or fails. */
  value?: T;
  /** The last fetch's error; cleared by the next answer. */
  error?: Error;
  /** True until the first answer or error for the current key. */
  loading: boolean;
  /** Fetches again now (after the page itself changed something). */
  refresh: () => void;
}

/**
 * Calls `load` when `key` or `tick` changes, on `refresh()`, and every
 * `pollMs(last value)` milliseconds while that is not null. A failed fetch keeps the last value beside the error; a new key drops
 * it; an undefined key loads nothing.
 */
function useRefetched<T>(
  load: () => Promise<T>,
  key: string | undefined,
  tick: number,
  pollMs: (value: T | undefined) => number | null,
): RefetchedState<T> {
  const [state, setState] = useState<{
    key?: string;
    value?: T;
    error?: Error;
  }>({});
  const [ownTick, setOwnTick] = useState(0);
  const refresh = useCallback(() => setOwnTick(n => n + 1), []);
  const current = state.key === key ? state.value : undefined;
  useInterval(refresh, key === undefined ? null : pollMs(current));
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    if (key === undefined) return undefined;
    let cancelled = false;
    loadRef.current().then(
      value => {
        if (!cancelled) setState({ key, value });
      },
      (error: Error) => {
        if (!cancelled) {
          setState(prev => ({
            key,
            value: prev.key === key ? prev.value : undefined,
            error,
          }));
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [key, tick, ownTick]);

  if (key === undefined || state.key !== key) {
    return { loading: key !== undefined, refresh };
  }
  return { value: state.value, error: state.error, loading: false, refresh };
}

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
