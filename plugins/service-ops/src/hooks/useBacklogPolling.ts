import { useEffect, useRef, useState } from 'react';
import useInterval from 'react-use/esm/useInterval';

/** How often the backlog and saga views ask the backend again: the data is polled. */
export const BACKLOG_POLL_MS = 10_000;

export interface PolledState<T> {
  /** The last answer for the current key; kept while a later poll fails. */
  value?: T;
  /** The last poll's error; cleared by the next answer. */
  error?: Error;
  /** True until the first answer or error for the current key. */
  loading: boolean;
}

/**
 * Calls `load` now, whenever `key` changes, and every {@link BACKLOG_POLL_MS} while
 * mounted. A failed poll keeps the last value beside the error; a new key drops it.
 * An undefined key loads nothing.
 */
export function useBacklogPolling<T>(
  load: () => Promise<T>,
  key: string | undefined,
): PolledState<T> {
  const [state, setState] = useState<{
    key?: string;
    value?: T;
    error?: Error;
  }>({});
  const [tick, setTick] = useState(0);
  useInterval(
    () => setTick(t => t + 1),
    key === undefined ? null : BACKLOG_POLL_MS,
  );
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
  }, [key, tick]);

  if (key === undefined || state.key !== key) {
    return { loading: key !== undefined };
  }
  return { value: state.value, error: state.error, loading: false };
}
