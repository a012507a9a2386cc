import { useState } from 'react';
import { Link, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  isFinalOperationState,
  KeyRotationParameters,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
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
  operationProgress,
  operationSeconds,
} from '../../lib/operationProgress';
import { ApprovalPanel } from '../ApprovalPanel';
import { actorName, OperationStateChip } from '../OperationProgress';
import { OperationSteps } from '../OperationSteps';

/** `Emergency rotation of acme-learning`, `Drill of 12 tenants`. */
export function rotationTitle(operation: Operation): string {
  const parameters = operation.parameters as KeyRotationParameters;
  const tenants = parameters.tenants ?? [];
  const what = tenants.length === 1 ? tenants[0] : `${tenants.length} tenants`;
  return `${
    parameters.mode === 'drill' ? 'Drill' : 'Emergency rotation'
  } of ${what}`;
}

function CancelRotation(props: {
  operation: Operation;
  onChanged: (operation: Operation) => void;
}) {
  const api = useApi(serviceOpsApiRef);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const cancel = async () => {
    setBusy(true);
    setError(undefined);
    try {
      props.onChanged(await api.cancelOperation({ id: props.operation.id }));
      setOpen(false);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="outlined" color="error" onClick={() => setOpen(true)}>
        Cancel rotation
      </Button>
      <Dialog
        open={open}
        onClose={() => !busy && setOpen(false)}
        aria-labelledby="cancel-rotation-title"
      >
        <DialogTitle id="cancel-rotation-title">
          Cancel this rotation?
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            Tenants not started are left alone. A tenant whose new key is not
            active yet has that key revoked, and its old key keeps signing. A
            tenant whose new key already signs is finished (the old key retired
            and the event published), so no tenant is left between two keys.
          </DialogContentText>
          {error && (
            <Alert severity="error" sx={{ mt: 2 }}>
              <AlertTitle>Could not cancel the rotation</AlertTitle>
              {backendMessage(error)}
            </Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Keep rotating
          </Button>
          <Button
            variant="contained"
            color="error"
            onClick={cancel}
            disabled={busy}
          >
            {busy ? 'Cancelling…' : 'Cancel rotation'}
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}

/**
 * A key rotation's live progress: state, who asked and why, the approvals (with Approve
 * for whoever may), a bar over its steps, each step (or tenant) with the kids involved,
 * Cancel while it runs, and what the end means for the keys.
 */
export function KeyRotationProgress(props: {
  operation: Operation;
  now: number;
  canCancel: boolean;
  canApprove: boolean;
  refreshError?: Error;
  onChanged: (operation: Operation) => void;
}) {
  const { operation, now, canCancel, canApprove, refreshError, onChanged } =
    props;
  const final = isFinalOperationState(operation.state);
  const progress = operationProgress(operation);
  return (
    <Stack
      spacing={2}
      component="section"
      aria-label={`rotation ${operation.id}`}
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
          {rotationTitle(operation)}
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
          <CancelRotation operation={operation} onChanged={onChanged} />
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
        canApprove={canApprove}
        onChanged={onChanged}
      />
      {refreshError && (
        <WarningPanel
          severity="warning"
          title="Could not refresh the rotation; showing the last state"
          message={backendMessage(refreshError)}
        />
      )}
      {operation.state !== 'awaiting-approval' && (
        <Box>
          <LinearProgress
            variant="determinate"
            value={progress.percent}
            color={operation.state === 'failed' ? 'error' : 'primary'}
            aria-label="rotation progress"
          />
          <Typography variant="caption" color="text.secondary">
            {progress.done} of {progress.total} steps done
          </Typography>
        </Box>
      )}
      {operation.state === 'succeeded' && (
        <Alert severity="success">
          Every region's JWKS has the new key, it signs, and the rotated event
          was published.
        </Alert>
      )}
      {operation.state === 'failed' && (
        <Alert severity="error">
          <AlertTitle>The rotation failed</AlertTitle>
          {operation.error ?? 'No reason was recorded.'}
        </Alert>
      )}
      {operation.state === 'cancelled' && (
        <Alert severity="info">
          Cancelled
          {operation.cancelRequestedBy
            ? ` by ${actorName(operation.cancelRequestedBy)}`
            : ''}
          ; see each step for what it left.
        </Alert>
      )}
      <OperationSteps
        steps={operation.steps}
        label={`steps of rotation ${operation.id}`}
        now={now}
      />
    </Stack>
  );
}
