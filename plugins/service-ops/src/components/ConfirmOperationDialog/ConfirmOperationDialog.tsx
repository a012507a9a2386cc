import { ReactNode, useRef, useState } from 'react';
import type { Operation } from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import { backendMessage, isAnswered } from '../../lib/backendMessage';
import { newIdempotencyKey } from '../../lib/idempotencyKey';

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

/** What the operator confirmed, sent with the operation's own fields. */
export interface ConfirmedRequest {
  reason: string;
  /** The typed name, when the dialog asks for one. */
  confirm?: string;
  incidentUrl?: string;
}

/** Titles for the backend's refusals of this kind of operation. */
export interface RefusalTitles {
  /** 403 */
  forbidden: string;
  /** 409 */
  conflict: string;
  /** Another status; the status is added. */
  other: string;
}

function errorTitle(error: Error, titles: RefusalTitles): string {
  if (!isAnswered(error)) return 'Could not reach the backend';
  switch (error.statusCode) {
    case 400:
      return 'The backend refused the request';
    case 403:
      return titles.forbidden;
    case 404:
      return 'The target was not found';
    case 409:
      return titles.conflict;
    default:
      return `${titles.other} (${error.statusCode})`;
  }
}

/** The last submit: what was sent with which key, and whether an answer came back. */
interface Attempt {
  body: string;
  key: string;
  answered: boolean;
}

/**
 * The confirmation of an operation: a reason (kept with the operation and audited), an
 * optional incident link and, when `targetName` is given, the target's name typed by
 * the operator; the action stays disabled until they are valid. The server's refusals
 * (400, 403, 409) are shown here. Each submit sends a fresh Idempotency-Key, except a
 * retry of the same submit after no answer came back, which sends the same key so that
 * the backend cannot start the operation twice.
 */
export function ConfirmOperationDialog(props: {
  open: boolean;
  title: string;
  /** What will happen, above the fields (the preview). */
  children: ReactNode;
  /** The entity's `metadata.name`, typed to confirm; no typed confirmation when absent. */
  targetName?: string;
  /** The button: "Drain", "Promote". */
  actionLabel: string;
  /** The reason field's help: "Why the pods are drained". */
  reasonHelp: string;
  refusals: RefusalTitles;
  /** Colour of the action button. */
  color?: 'error' | 'primary' | 'warning';
  /** The action is not possible (the preview says why): the button stays disabled. */
  disabled?: boolean;
  submit: (
    request: ConfirmedRequest,
    idempotencyKey: string,
  ) => Promise<Operation>;
  onClose: () => void;
  onStarted: (operation: Operation) => void;
}) {
  const { open, title, targetName, onClose, onStarted } = props;
  const [confirm, setConfirm] = useState('');
  const [reason, setReason] = useState('');
  const [incidentUrl, setIncidentUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const lastAttempt = useRef<Attempt>();

  const nameOk = targetName === undefined || confirm.trim() === targetName;
  const reasonText = reason.trim();
  const reasonOk =
    reasonText.length >= MIN_REASON_LENGTH &&
    reasonText.length <= MAX_REASON_LENGTH;
  const incidentText = incidentUrl.trim();
  const incidentOk = validIncidentUrl(incidentText);
  const valid = nameOk && reasonOk && incidentOk && !props.disabled;
  const titleId = `confirm-${props.actionLabel
    .toLocaleLowerCase('en-US')
    .replace(/\W+/g, '-')}-title`;

  const submit = async () => {
    const request: ConfirmedRequest = {
      reason: reasonText,
      ...(targetName !== undefined ? { confirm: confirm.trim() } : {}),
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
      const operation = await props.submit(request, key);
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
      aria-labelledby={titleId}
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id={titleId}>{title}</DialogTitle>
      <DialogContent>
        <Stack spacing={2}>
          {props.children}
          {targetName !== undefined && (
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
          )}
          <TextField
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
            error={reason !== '' && !reasonOk}
            helperText={
              reasonText.length > MAX_REASON_LENGTH
                ? `At most ${MAX_REASON_LENGTH} characters`
                : `${props.reasonHelp}, at least ${MIN_REASON_LENGTH} characters; kept with the operation and in the audit log`
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
              <AlertTitle>{errorTitle(error, props.refusals)}</AlertTitle>
              {backendMessage(error)}
              {!isAnswered(error) &&
                ` — press ${props.actionLabel} again to retry: the same request is sent again, so it cannot start a second operation.`}
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
          color={props.color ?? 'error'}
          onClick={submit}
          disabled={!valid || busy}
        >
          {busy ? 'Starting…' : props.actionLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
