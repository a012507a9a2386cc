import { useState } from 'react';
import { Link, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  isFinalOperationState,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { serviceOpsApiRef } from '../../api';
import { backendMessage } from '../../lib/backendMessage';
import { formatAge } from '../../lib/formatAge';
import {
  formatSeconds,
  noticeEndsAt,
  OPERATION_STATE_LABELS,
  operationProgress,
  operationSeconds,
  operationStateColor,
} from '../../lib/operationProgress';
import { operationWording } from '../../lib/operationWording';
import { ApprovalPanel } from '../ApprovalPanel';
import { OperationSteps } from '../OperationSteps';

/** `dana.author` from `user:default/dana.author`. */
export function actorName(ref: string): string {
  return ref.replace(/^user:(default\/)?/, '');
}

/** A chip with an operation's state in words, coloured by it. */
export function OperationStateChip(props: { operation: Operation }) {
  const { state } = props.operation;
  return (
    <Chip
      size="small"
      label={OPERATION_STATE_LABELS[state]}
      color={operationStateColor(state)}
    />
  );
}

/** The Cancel button of a running operation, behind a confirmation. */
function CancelOperation(props: {
  operation: Operation;
  onChanged: (operation: Operation) => void;
}) {
  const api = useApi(serviceOpsApiRef);
  const wording = operationWording(props.operation);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const operation = await api.cancelOperation({ id: props.operation.id });
      setOpen(false);
      props.onChanged(operation);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        variant="outlined"
        color="error"
        onClick={() => {
          setError(undefined);
          setOpen(true);
        }}
      >
        Cancel {wording.noun}
      </Button>
      <Dialog
        open={open}
        onClose={() => !busy && setOpen(false)}
        aria-labelledby={`cancel-${props.operation.id}-title`}
      >
        <DialogTitle id={`cancel-${props.operation.id}-title`}>
          Cancel this {wording.noun}?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>{wording.cancelExplains}</DialogContentText>
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              <AlertTitle>Could not cancel the {wording.noun}</AlertTitle>
              {backendMessage(error)}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            {wording.keepGoing}
          </Button>
          <Button
            variant="contained"
            color="error"
            onClick={cancel}
            disabled={busy}
          >
            {busy ? 'Cancelling…' : `Cancel ${wording.noun}`}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/** What a final operation means for what it acted on, in words. */
function Outcome(props: { operation: Operation }) {
  const { operation } = props;
  const wording = operationWording(operation);
  if (operation.state === 'succeeded') {
    return <Alert severity="success">{wording.succeeded}</Alert>;
  }
  if (operation.state === 'failed') {
    return (
      <Alert severity="error">
        <AlertTitle>The {wording.noun} failed</AlertTitle>
        {operation.error ?? 'No reason was recorded.'}
        {wording.failed && ` ${wording.failed}`}
      </Alert>
    );
  }
  if (operation.state === 'cancelled') {
    return (
      <Alert severity="info">
        Cancelled
        {operation.cancelRequestedBy
          ? ` by ${actorName(operation.cancelRequestedBy)}`
          : ''}
        : {wording.cancelled}
      </Alert>
    );
  }
  return null;
}

/**
 * An operation's live progress, for every kind (worded by `operationWording`): its
 * state, who asked and why, the approvals (with Approve for whoever may), a progress
 * bar over its steps once it may run, the countdown of a drain's notice, each step with
 * its status and detail, Cancel while it runs, and what its end means.
 */
export function OperationProgress(props: {
  operation: Operation;
  now: number;
  /** Whether the user may cancel it (the kind's permission). */
  canCancel: boolean;
  /**
   * Whether the user holds the permission that approving needs (the kind's own); the
   * requester never may. False when absent.
   */
  canApprove?: boolean;
  /** A refetch failed: the operation shown is the last one received. */
  refreshError?: Error;
  onChanged: (operation: Operation) => void;
}) {
  const { operation, now, canCancel, canApprove, refreshError, onChanged } =
    props;
  const progress = operationProgress(operation);
  const final = isFinalOperationState(operation.state);
  const noticeEnd = noticeEndsAt(operation);
  const wording = operationWording(operation);
  return (
    <Stack
      spacing={2}
      component="section"
      aria-label={`${wording.noun} ${operation.id}`}
    >
      <Stack
        direction="row"
        spacing={2}
        alignItems="center"
        flexWrap="wrap"
        useFlexGap
      >
        <OperationStateChip operation={operation} />
        <Typography variant="subtitle1" component="h3">
          {wording.title(operation)}
        </Typography>
        <Typography variant="body2" color="text.secondary">
          asked by {actorName(operation.actor)}{' '}
          {formatAge(operation.createdAt, now)}
          {operation.startedAt
            ? `; ${final ? 'took' : 'running for'} ${formatSeconds(
                operationSeconds(operation, now),
              )}`
            : ''}
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        {!final && operation.state !== 'cancelling' && canCancel && (
          <CancelOperation operation={operation} onChanged={onChanged} />
        )}
      </Stack>
      <Typography variant="body2">
        Reason: {operation.reason}
        {operation.incidentUrl && (
          <>
            {' · '}
            <Link to={operation.incidentUrl}>incident</Link>
          </>
        )}
      </Typography>
      <ApprovalPanel
        operation={operation}
        now={now}
        canApprove={canApprove ?? false}
        onChanged={onChanged}
      />
      {refreshError && (
        <WarningPanel
          severity="warning"
          title={`Could not refresh the ${wording.noun}; showing the last state`}
          message={backendMessage(refreshError)}
        />
      )}
      {operation.state !== 'awaiting-approval' && (
        <Box>
          <LinearProgress
            variant="determinate"
            value={progress.percent}
            color={operation.state === 'failed' ? 'error' : 'primary'}
            aria-label={`${wording.noun} progress`}
          />
          <Typography variant="caption" color="text.secondary">
            {progress.done} of {progress.total} steps done
          </Typography>
        </Box>
      )}
      {noticeEnd !== undefined && (
        <Alert severity="info" role="timer">
          Notice running: the first eviction in{' '}
          <strong>
            {formatSeconds(Math.max(0, (noticeEnd - now) / 1000))}
          </strong>{' '}
          (at {new Date(noticeEnd).toLocaleTimeString()}). Clients are moving to
          other pods.
        </Alert>
      )}
      {operation.state === 'cancelling' && (
        <Alert severity="warning">
          Cancelling
          {operation.cancelRequestedBy
            ? ` (asked by ${actorName(operation.cancelRequestedBy)})`
            : ''}
          : {wording.cancelling}
        </Alert>
      )}
      <Outcome operation={operation} />
      <OperationSteps
        steps={operation.steps}
        label={`steps of ${wording.noun} ${operation.id}`}
        now={now}
      />
    </Stack>
  );
}
