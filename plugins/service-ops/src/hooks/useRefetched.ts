import { useCallback, useEffect, useRef, useState } from 'react';
import useInterval from 'react-use/esm/useInterval';

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
export function useRefetched<T>(
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
