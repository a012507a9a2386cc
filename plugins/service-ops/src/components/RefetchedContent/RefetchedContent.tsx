import { ReactNode } from 'react';
import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import LinearProgress from '@mui/material/LinearProgress';
import type { RefetchedState } from '../../hooks/useRefetched';
import { backendMessage } from '../../lib/backendMessage';

/**
 * What a refetched answer shows while it loads, when it cannot be loaded, and when a
 * refetch failed after an answer (the last answer, under a warning); `children` renders
 * the answer.
 */
export function RefetchedContent<T>(props: {
  state: Pick<RefetchedState<T>, 'value' | 'error' | 'loading'>;
  /** The progress bar's label: `loading the history`. */
  loadingLabel: string;
  /** Without an answer: `Could not load the operations`. */
  errorTitle: string;
  /**
   * After an answer: `Could not refresh the operations; showing the last list`. Without
   * it, the last answer shows with no warning.
   */
  staleTitle?: string;
  children: (value: T) => ReactNode;
}) {
  const { state, loadingLabel, errorTitle, staleTitle, children } = props;
  return (
    <>
      {state.loading && <LinearProgress aria-label={loadingLabel} />}
      {state.error && state.value === undefined && (
        <ResponseErrorPanel title={errorTitle} error={state.error} />
      )}
      {state.error && state.value !== undefined && staleTitle && (
        <WarningPanel
          severity="warning"
          title={staleTitle}
          message={backendMessage(state.error)}
        />
      )}
      {state.value !== undefined && children(state.value)}
    </>
  );
}
