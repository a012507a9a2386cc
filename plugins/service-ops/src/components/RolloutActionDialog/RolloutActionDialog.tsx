import { useEffect, useState } from 'react';
import { ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  Operation,
  RolloutAction,
  RolloutPreview,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import DialogContentText from '@mui/material/DialogContentText';
import LinearProgress from '@mui/material/LinearProgress';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import { serviceOpsApiRef } from '../../api';
import { ConfirmOperationDialog } from '../ConfirmOperationDialog';
import { ROLLOUT_ACTION_LABELS } from '../RolloutCard';

const REASON_HELP: Record<RolloutAction, string> = {
  promote: 'Why the rollout goes on',
  'promote-full': 'Why the remaining steps are skipped',
  abort: 'Why the rollout is aborted',
  retry: 'Why the rollout is tried again',
};

/**
 * The preview and confirmation of a rollout action on one region or a wave: what each
 * region would get (from the backend's fresh read), the patches sent, the warnings and
 * the approvals needed; then a reason (and the target's name, except for an abort).
 * The start sends what the preview showed as the expectation, so a region that moved
 * in between is refused (409) with what changed.
 */
export function RolloutActionDialog(props: {
  entityRef: string;
  targetName: string;
  action: RolloutAction;
  clusters: string[];
  onClose: () => void;
  onStarted: (operation: Operation) => void;
}) {
  const { entityRef, targetName, action, clusters, onClose, onStarted } = props;
  const api = useApi(serviceOpsApiRef);
  const [preview, setPreview] = useState<RolloutPreview>();
  const [error, setError] = useState<Error>();
  const clusterKey = clusters.join(',');
  useEffect(() => {
    let cancelled = false;
    setPreview(undefined);
    setError(undefined);
    api
      .previewRollout({ entityRef, action, clusters: clusterKey.split(',') })
      .then(p => !cancelled && setPreview(p))
      .catch(e => !cancelled && setError(e as Error));
    return () => {
      cancelled = true;
    };
  }, [api, entityRef, action, clusterKey]);

  const blocked = preview?.regions.filter(r => !r.availability.allowed) ?? [];
  const label = ROLLOUT_ACTION_LABELS[action];
  return (
    <ConfirmOperationDialog
      open
      title={`${label} ${targetName} in ${clusters.join(' → ')}?`}
      targetName={action === 'abort' ? undefined : targetName}
      actionLabel={label}
      color={action === 'abort' ? 'error' : 'primary'}
      reasonHelp={REASON_HELP[action]}
      disabled={!preview || blocked.length > 0}
      refusals={{
        forbidden: `You may not ${label.toLocaleLowerCase(
          'en-US',
        )} this rollout`,
        conflict: 'The rollout moved, or another action runs on it',
        other: `The ${label.toLocaleLowerCase('en-US')} could not be started`,
      }}
      submit={(request, idempotencyKey) =>
        api.startRollout({
          entityRef,
          action,
          clusters,
          expected: Object.fromEntries(
            (preview?.regions ?? []).map(r => [r.cluster, r.view.expected]),
          ),
          reason: request.reason,
          ...(request.confirm !== undefined
            ? { confirm: request.confirm }
            : {}),
          ...(request.incidentUrl ? { incidentUrl: request.incidentUrl } : {}),
          idempotencyKey,
        })
      }
      onClose={onClose}
      onStarted={onStarted}
    >
      {!preview && !error && (
        <LinearProgress aria-label="loading the preview" />
      )}
      {error && (
        <ResponseErrorPanel
          title="Could not preview the action"
          error={error}
        />
      )}
      {preview && (
        <>
          <List dense aria-label="what each region gets">
            {preview.regions.map(region => (
              <ListItem key={region.cluster} disableGutters>
                <ListItemText
                  primary={`${region.cluster}: ${
                    region.availability.allowed
                      ? region.effect
                      : `not possible: ${region.availability.reason}`
                  }`}
                  secondary={
                    region.patches.length
                      ? `sends ${region.patches
                          .map(
                            p => `${JSON.stringify(p.body)} to the ${p.target}`,
                          )
                          .join(', then ')}`
                      : 'sends nothing'
                  }
                />
              </ListItem>
            ))}
          </List>
          {preview.warnings.map(warning => (
            <Alert key={warning} severity="warning">
              {warning}
            </Alert>
          ))}
          {preview.approvalsRequired > 0 && (
            <Alert severity="info">
              This needs {preview.approvalsRequired} approval(s) by someone else
              with the permission before anything is sent.
            </Alert>
          )}
          {preview.runningOperationId && action !== 'abort' && (
            <Alert severity="warning">
              Another rollout operation ({preview.runningOperationId}) runs on
              these regions: this one is refused until it ends.
            </Alert>
          )}
          {preview.runningOperationId && action === 'abort' && (
            <Alert severity="info">
              The rollout operation running on these regions (
              {preview.runningOperationId}) is cancelled by the abort.
            </Alert>
          )}
          <DialogContentText>
            The request is recorded with your name and reason.
          </DialogContentText>
        </>
      )}
    </ConfirmOperationDialog>
  );
}
