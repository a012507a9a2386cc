import { useRef, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CollabDrainPreview,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { CollabDrainTarget, serviceOpsApiRef } from '../../api';
import { backendMessage, isAnswered } from '../../lib/backendMessage';
import { newIdempotencyKey } from '../../lib/idempotencyKey';
import { formatSeconds } from '../../lib/operationProgress';

/** The shortest reason the backend takes. */
export const MIN_REASON_LENGTH = 10;
const MAX_REASON_LENGTH = 2000;

function validIncidentUrl(text: string): boolean {
  if (!text) return true;
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/** A title for each way the backend refuses a drain. */
function errorTitle(error: Error): string {
  if (!isAnswered(error)) return 'Could not reach the backend';
  switch (error.statusCode) {
    case 400:
      return 'The backend refused the request';
    case 403:
      return 'You may not drain this container';
    case 404:
      return 'The target was not found';
    case 409:
      return 'A drain is already running on this target';
    default:
      return `The drain could not be started (${error.statusCode})`;
  }
}

/** The last submit: what was sent with which key, and whether an answer came back. */
interface Attempt {
  body: string;
  key: string;
  answered: boolean;
}

/**
 * The confirmation of a collab drain: the operator types the target's name and a
 * reason (and may link an incident); Drain stays disabled until both are valid. The
 * server's refusals (400, 403, 409) are shown here. Each submit sends a fresh
 * Idempotency-Key, except a retry of the same submit after no answer came back, which
 * sends the same key so that the backend cannot start the drain twice.
 */
export function ConfirmDrainDialog(props: {
  open: boolean;
  /** The entity's `metadata.name`, which the operator types. */
  targetName: string;
  target: CollabDrainTarget;
  preview: CollabDrainPreview;
  onClose: () => void;
  onStarted: (operation: Operation) => void;
}) {
  const { open, targetName, target, preview, onClose, onStarted } = props;
  const api = useApi(serviceOpsApiRef);
  const [confirm, setConfirm] = useState('');
  const [reason, setReason] = useState('');
  const [incidentUrl, setIncidentUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const lastAttempt = useRef<Attempt>();

  const nameOk = confirm.trim() === targetName;
  const reasonText = reason.trim();
  const reasonOk =
    reasonText.length >= MIN_REASON_LENGTH &&
    reasonText.length <= MAX_REASON_LENGTH;
  const incidentText = incidentUrl.trim();
  const incidentOk = validIncidentUrl(incidentText);
  const valid = nameOk && reasonOk && incidentOk;

  const sessions = preview.pods.reduce((sum, p) => sum + (p.sessions ?? 0), 0);

  const submit = async () => {
    const request = {
      ...target,
      reason: reasonText,
      confirm: confirm.trim(),
      ...(incidentText ? { incidentUrl: incidentText } : {}),
    };
    const body = JSON.stringify(request);
    const previous = lastAttempt.current;
    const key =
      previous && !previous.answered && previous.body === body
        ? previous.key
        : newIdempotencyKey();
    lastAttempt.current = { body, key, answered: false };
    setBusy(true);
    setError(undefined);
    try {
      const operation = await api.startCollabDrain({
        ...request,
        idempotencyKey: key,
      });
      lastAttempt.current = undefined;
      onStarted(operation);
    } catch (e) {
      const failure = e as Error;
      lastAttempt.current = { body, key, answered: isAnswered(failure) };
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={open}
      onClose={() => !busy && onClose()}
      aria-labelledby="confirm-drain-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="confirm-drain-title">
        Drain {preview.pods.length} pod(s) of {preview.workload} in{' '}
        {preview.cluster}?
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          <DialogContentText>
            The {sessions} connected session(s) on{' '}
            {preview.pods.map(p => p.name).join(', ')} are told to move, then
            after {formatSeconds(preview.noticeSeconds)} the pods are evicted
            one at a time, each waiting for its replacement to be Ready (about{' '}
            {formatSeconds(preview.estimatedSeconds)} in all). The request is
            recorded with your name and reason.
          </DialogContentText>
          <TextField
            label={`Type ${targetName} to confirm`}
            value={confirm}
            onChange={e => setConfirm(e.target.value)}
            error={confirm !== '' && !nameOk}
            helperText={
              confirm !== '' && !nameOk
                ? `Type the target's name exactly: ${targetName}`
                : ' '
            }
            autoComplete="off"
            required
            fullWidth
            inputProps={{ spellCheck: false }}
          />
          <TextField
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={reason !== '' && !reasonOk}
            helperText={
              reasonText.length > MAX_REASON_LENGTH
                ? `At most ${MAX_REASON_LENGTH} characters`
                : `Why the pods are drained, at least ${MIN_REASON_LENGTH} characters; kept with the operation and in the audit log`
            }
            required
            fullWidth
            multiline
            minRows={2}
          />
          <TextField
            label="Incident link (optional)"
            value={incidentUrl}
            onChange={e => setIncidentUrl(e.target.value)}
            error={!incidentOk}
            helperText={
              incidentOk ? ' ' : 'An http(s) link, e.g. to the incident ticket'
            }
            type="url"
            fullWidth
          />
          {error && (
            <Alert severity="error">
              <AlertTitle>{errorTitle(error)}</AlertTitle>
              {backendMessage(error)}
              {!isAnswered(error) &&
                ' — press Drain again to retry: the same request is sent again, so it cannot start a second drain.'}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Back
        </Button>
        <Button
          variant="contained"
          color="error"
          onClick={submit}
          disabled={!valid || busy}
        >
          {busy ? 'Starting…' : 'Drain'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
