import { useEffect, useState } from 'react';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { Operation } from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { serviceOpsApiRef } from '../../api';
import { backendMessage } from '../../lib/backendMessage';
import { formatAge } from '../../lib/formatAge';
import { formatSeconds } from '../../lib/operationProgress';

/** `dana.author` from `user:default/dana.author`. */
function personName(ref: string): string {
  return ref.replace(/^user:(default\/)?/, '');
}

/** The signed-in user's entity ref, once known. */
function useSignedInUser(): string | undefined {
  const identityApi = useApi(identityApiRef);
  const [user, setUser] = useState<string>();
  useEffect(() => {
    let live = true;
    identityApi
      .getBackstageIdentity()
      .then(identity => live && setUser(identity.userEntityRef))
      .catch(() => live && setUser(undefined));
    return () => {
      live = false;
    };
  }, [identityApi]);
  return user;
}

/**
 * The approvals of an operation that needs them: how many it has of how many, who gave
 * them, until when it can be approved, and — while it awaits approval — an Approve
 * button with an optional comment for a user who may approve and did not ask for it.
 * The backend enforces the same rules; the button only spares a refused click.
 */
export function ApprovalPanel(props: {
  operation: Operation;
  now: number;
  /** Whether the user holds the kind's permission on the target. */
  canApprove: boolean;
  onChanged: (operation: Operation) => void;
}) {
  const { operation, now, canApprove, onChanged } = props;
  const api = useApi(serviceOpsApiRef);
  const user = useSignedInUser();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const approval = operation.approval;
  if (!approval) return null;
  const given = approval.approvals.length;
  const waiting = operation.state === 'awaiting-approval';
  const expiresAt = Date.parse(approval.expiresAt);
  const requester = user !== undefined && user === operation.actor;
  const approvedByUser =
    user !== undefined && approval.approvals.some(a => a.by === user);

  const approve = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const approved = await api.approveOperation({
        id: operation.id,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      setComment('');
      onChanged(approved);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };

  let why: string | undefined;
  if (requester)
    why =
      'You asked for this operation: another person with the permission must approve it.';
  else if (approvedByUser) why = 'You approved it already.';
  else if (!canApprove)
    why =
      'You may not approve it: approving needs the same permission as acting, for the owners and the platform on-call group.';

  return (
    <Stack spacing={1} component="section" aria-label="approvals">
      <Alert
        severity={waiting ? 'warning' : 'success'}
        role={waiting ? 'status' : undefined}
      >
        <AlertTitle>
          {waiting
            ? `Awaiting approval: ${given} of ${approval.required}`
            : `Approved (${given} of ${approval.required})`}
        </AlertTitle>
        {waiting && (
          <>
            Nothing is done before it is approved. It can be approved for{' '}
            <strong>
              {formatSeconds(Math.max(0, (expiresAt - now) / 1000))}
            </strong>{' '}
            more (until {new Date(expiresAt).toLocaleTimeString()}); then it
            fails unapproved.
          </>
        )}
      </Alert>
      {given > 0 && (
        <Stack component="ul" aria-label="approved by" sx={{ m: 0, pl: 3 }}>
          {approval.approvals.map(a => (
            <li key={a.by}>
              <Typography variant="body2">
                {personName(a.by)} approved {formatAge(a.at, now)}
                {a.comment ? `: “${a.comment}”` : ''}
              </Typography>
            </li>
          ))}
        </Stack>
      )}
      {waiting &&
        (why ? (
          <Typography variant="body2" color="text.secondary">
            {why}
          </Typography>
        ) : (
          <Stack direction="row" spacing={1} alignItems="flex-start">
            <TextField
              size="small"
              label="Comment (optional)"
              value={comment}
              onChange={e => setComment(e.target.value)}
              inputProps={{ maxLength: 2000 }}
              sx={{ flexGrow: 1 }}
              disabled={busy || user === undefined}
            />
            <Button
              variant="contained"
              onClick={approve}
              disabled={busy || user === undefined}
            >
              {busy ? 'Approving…' : 'Approve'}
            </Button>
          </Stack>
        ))}
      {error && (
        <Alert severity="error">
          <AlertTitle>Could not approve</AlertTitle>
          {backendMessage(error)}
        </Alert>
      )}
    </Stack>
  );
}
