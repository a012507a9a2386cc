import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  KeyRotationMode,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormLabel from '@mui/material/FormLabel';
import Radio from '@mui/material/Radio';
import RadioGroup from '@mui/material/RadioGroup';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { signingKeysApiRef } from '../../api';
import { backendMessage } from '../../lib/backendMessage';
import { newIdempotencyKey } from '../../lib/idempotencyKey';

const DAY = 86_400;

/** What the form still lacks before it can be sent, in words; empty when complete. */
export function rotationFormProblems(form: {
  mode: KeyRotationMode;
  reason: string;
  incidentUrl: string;
  concurrency: string;
  graceDays: string;
  bulk: boolean;
}): string[] {
  const problems: string[] = [];
  if (form.reason.trim().length < 10)
    problems.push('Say why, in at least 10 characters.');
  if (form.mode === 'emergency' && !form.incidentUrl.trim())
    problems.push('An emergency rotation needs the incident link.');
  if (form.incidentUrl.trim()) {
    try {
      // eslint-disable-next-line no-new
      new URL(form.incidentUrl.trim());
    } catch {
      problems.push('The incident link must be a URL.');
    }
  }
  if (form.bulk && !/^([1-9]|1\d|20)$/.test(form.concurrency))
    problems.push('Tenants at a time must be a whole number from 1 to 20.');
  if (form.mode === 'drill' && !/^(\d|[1-8]\d|90)$/.test(form.graceDays))
    problems.push('The grace window must be 0 to 90 days.');
  return problems;
}

/**
 * Asks for a rotation of one tenant or several: emergency (the replaced key is revoked
 * as soon as the new one is active) or drill (it stays verify-only for the grace
 * window), with a reason and the incident link; a second person then approves it. One
 * Idempotency-Key per opening of the dialog, so a retried submit starts one rotation.
 */
export function RotateKeysDialog(props: {
  open: boolean;
  entityRef: string;
  tenants: string[];
  onClose: () => void;
  onStarted: (operation: Operation) => void;
}) {
  const { open, entityRef, tenants, onClose, onStarted } = props;
  const api = useApi(signingKeysApiRef);
  const bulk = tenants.length > 1;
  const [mode, setMode] = useState<KeyRotationMode>('emergency');
  const [reason, setReason] = useState('');
  const [incidentUrl, setIncidentUrl] = useState('');
  const [concurrency, setConcurrency] = useState('5');
  const [graceDays, setGraceDays] = useState('14');
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [touched, setTouched] = useState(false);
  useEffect(() => {
    if (!open) return;
    setMode(tenants.length > 1 ? 'drill' : 'emergency');
    setReason('');
    setIncidentUrl('');
    setError(undefined);
    setTouched(false);
    setKey(newIdempotencyKey());
  }, [open, tenants]);
  const problems = rotationFormProblems({
    mode,
    reason,
    incidentUrl,
    concurrency,
    graceDays,
    bulk,
  });
  const submit = async () => {
    setTouched(true);
    if (problems.length) return;
    setBusy(true);
    setError(undefined);
    try {
      const operation = await api.startKeyRotation({
        entityRef,
        tenants,
        mode,
        reason: reason.trim(),
        ...(incidentUrl.trim() ? { incidentUrl: incidentUrl.trim() } : {}),
        ...(bulk ? { concurrency: Number(concurrency) } : {}),
        ...(mode === 'drill' ? { graceSeconds: Number(graceDays) * DAY } : {}),
        idempotencyKey: key,
      });
      onStarted(operation);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const what = bulk ? `${tenants.length} tenants` : tenants[0];
  return (
    <Dialog
      open={open}
      onClose={() => !busy && onClose()}
      aria-labelledby="rotate-keys-title"
      fullWidth
      maxWidth="sm"
    >
      <DialogTitle id="rotate-keys-title">
        Rotate the signing key of {what}
      </DialogTitle>
      <DialogContent>
        <Stack spacing={2} sx={{ pt: 1 }}>
          {bulk && (
            <Typography
              variant="body2"
              sx={{ maxHeight: 96, overflow: 'auto' }}
            >
              {tenants.join(', ')}
            </Typography>
          )}
          <div>
            <FormLabel id="rotation-mode">Kind of rotation</FormLabel>
            <RadioGroup
              aria-labelledby="rotation-mode"
              value={mode}
              onChange={e => setMode(e.target.value as KeyRotationMode)}
            >
              <FormControlLabel
                value="emergency"
                control={<Radio />}
                label="Emergency: the key is compromised; revoke it as soon as the new one signs"
              />
              <FormControlLabel
                value="drill"
                control={<Radio />}
                label="Drill: keep the old key verify-only for a grace window; counts as this quarter's drill"
              />
            </RadioGroup>
          </div>
          <TextField
            label="Reason"
            required
            multiline
            minRows={2}
            value={reason}
            onChange={e => setReason(e.target.value)}
          />
          <TextField
            label="Incident link"
            required={mode === 'emergency'}
            value={incidentUrl}
            onChange={e => setIncidentUrl(e.target.value)}
            placeholder="https://…"
          />
          {bulk && (
            <TextField
              label="Tenants at a time"
              value={concurrency}
              onChange={e => setConcurrency(e.target.value)}
              inputProps={{ inputMode: 'numeric' }}
            />
          )}
          {mode === 'drill' && (
            <TextField
              label="Grace window (days)"
              value={graceDays}
              onChange={e => setGraceDays(e.target.value)}
              inputProps={{ inputMode: 'numeric' }}
            />
          )}
          <Alert severity="info">
            A second person with the approve permission must approve the
            rotation before anything changes. Then content-service creates the
            new key, the rotation waits until every region's JWKS has it,
            activates it and{' '}
            {mode === 'emergency'
              ? 'revokes the old key: bundles signed with it stop verifying'
              : `keeps the old key verify-only for ${graceDays || '?'} days`}
            . A region that does not confirm stops the rotation before
            activation.
          </Alert>
          {touched && problems.length > 0 && (
            <Alert severity="warning">
              {problems.map(p => (
                <div key={p}>{p}</div>
              ))}
            </Alert>
          )}
          {error && (
            <Alert severity="error">
              <AlertTitle>Could not ask for the rotation</AlertTitle>
              {backendMessage(error)}
            </Alert>
          )}
        </Stack>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} disabled={busy}>
          Close
        </Button>
        <Button
          variant="contained"
          color={mode === 'emergency' ? 'error' : 'primary'}
          onClick={submit}
          disabled={busy}
        >
          {busy ? 'Asking…' : 'Ask for approval'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
