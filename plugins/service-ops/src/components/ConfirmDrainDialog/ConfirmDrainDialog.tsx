import { useApi } from '@backstage/frontend-plugin-api';
import type {
  CollabDrainPreview,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import DialogContentText from '@mui/material/DialogContentText';
import { CollabDrainTarget, serviceOpsApiRef } from '../../api';
import { formatSeconds } from '../../lib/operationProgress';
import { ConfirmOperationDialog } from '../ConfirmOperationDialog';

export { MIN_REASON_LENGTH } from '../ConfirmOperationDialog';

/**
 * The confirmation of a collab drain: the operator types the target's name and a
 * reason (and may link an incident), through `ConfirmOperationDialog` (its idempotent
 * retry and the backend's refusals shown in place).
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
  const sessions = preview.pods.reduce((sum, p) => sum + (p.sessions ?? 0), 0);
  return (
    <ConfirmOperationDialog
      open={open}
      title={`Drain ${preview.pods.length} pod(s) of ${preview.workload} in ${preview.cluster}?`}
      targetName={targetName}
      actionLabel="Drain"
      reasonHelp="Why the pods are drained"
      refusals={{
        forbidden: 'You may not drain this container',
        conflict: 'A drain is already running on this target',
        other: 'The drain could not be started',
      }}
      submit={(request, idempotencyKey) =>
        api.startCollabDrain({
          ...target,
          reason: request.reason,
          confirm: request.confirm ?? '',
          ...(request.incidentUrl ? { incidentUrl: request.incidentUrl } : {}),
          idempotencyKey,
        })
      }
      onClose={onClose}
      onStarted={onStarted}
    >
      <DialogContentText>
        The {sessions} connected session(s) on{' '}
        {preview.pods.map(p => p.name).join(', ')} are told to move, then after{' '}
        {formatSeconds(preview.noticeSeconds)} the pods are evicted one at a
        time, each waiting for its replacement to be Ready (about{' '}
        {formatSeconds(preview.estimatedSeconds)} in all). The request is
        recorded with your name and reason.
      </DialogContentText>
    </ConfirmOperationDialog>
  );
}
