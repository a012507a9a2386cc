import { useRefetched } from './useRefetched';

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
  const { value, error, loading } = useRefetched(
    load,
    key,
    0,
    () => BACKLOG_POLL_MS,
  );
  return { value, error, loading };
}
