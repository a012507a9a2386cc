import { useState } from 'react';
import useInterval from 'react-use/esm/useInterval';
import { ResponseErrorPanel } from '@backstage/core-components';
import {
  isFinalOperationState,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import LinearProgress from '@mui/material/LinearProgress';
import { useOperation } from '../../hooks/useOperations';
import { OperationProgress } from '../OperationProgress';

/** How often the clock ticks while an operation is shown running (its countdown). */
export const RUNNING_TICK_MS = 1_000;
/** How often ages are recomputed otherwise. */
export const IDLE_TICK_MS = 15_000;

export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), intervalMs);
  return now;
}

/** One operation kept live by its signals and, until it is final, a poll. */
export function LiveOperation(props: {
  entityRef: string;
  id: string;
  canCancel: boolean;
  /** Whether the user holds the permission approving it needs. */
  canApprove?: boolean;
  /** What it is called while it loads: `operation` unless told (`rotation`). */
  noun?: string;
  onChanged: (operation: Operation) => void;
}) {
  const {
    entityRef,
    id,
    canCancel,
    canApprove,
    noun = 'operation',
    onChanged,
  } = props;
  const operation = useOperation(entityRef, id);
  const running =
    !!operation.value && !isFinalOperationState(operation.value.state);
  const now = useNow(running ? RUNNING_TICK_MS : IDLE_TICK_MS);
  if (operation.loading)
    return <LinearProgress aria-label={`loading the ${noun}`} />;
  if (!operation.value) {
    return (
      <ResponseErrorPanel
        title={`Could not load the ${noun}`}
        error={operation.error ?? new Error(`no operation ${id}`)}
      />
    );
  }
  return (
    <OperationProgress
      operation={operation.value}
      now={now}
      canCancel={canCancel}
      canApprove={canApprove}
      refreshError={operation.error}
      onChanged={changed => {
        operation.refresh();
        onChanged(changed);
      }}
    />
  );
}
