import { useEffect, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  OPERATION_PERMISSIONS,
  RolloutAction,
  rolloutActionOfKind,
  ROLLOUT_OPERATION_KINDS,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';
import { useFollowedOperations } from '../../hooks/useFollowedOperations';
import { useEntityOperations } from '../../hooks/useOperations';
import { useEntityRollout } from '../../hooks/useEntityRollout';
import { IDLE_TICK_MS, useNow } from '../LiveOperation';
import { LiveOperationsCard } from '../LiveOperationsCard';
import { OperationHistoryCard } from '../OperationHistoryCard';
import { RefetchedContent } from '../RefetchedContent';
import { RolloutActionDialog } from '../RolloutActionDialog';
import { RolloutCard, RolloutPermissions } from '../RolloutCard';

/** `undefined` while checked; a failed check lets the backend decide (403 in the dialog). */
function useAllowed(action: RolloutAction, resourceRef: string) {
  const permission = usePermission({
    permission: OPERATION_PERMISSIONS[ROLLOUT_OPERATION_KINDS[action]],
    resourceRef,
  });
  if (permission.loading) return undefined;
  return permission.allowed || !!permission.error;
}

/**
 * The Actions tab of a container released as an Argo rollout: the canary card (every
 * region's step ladder, pods, analysis and actions, and a release wave), the live
 * progress of the rollout operations (with approvals and Cancel), and their history.
 */
export function RolloutActions() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const permissions: RolloutPermissions = {
    promote: useAllowed('promote', entityRef),
    'promote-full': useAllowed('promote-full', entityRef),
    abort: useAllowed('abort', entityRef),
    retry: useAllowed('retry', entityRef),
  };
  const rollout = useEntityRollout(entityRef);
  const history = useEntityOperations(entityRef);
  const now = useNow(IDLE_TICK_MS);
  const [wave, setWave] = useState<string[]>([]);
  const [dialog, setDialog] = useState<{
    action: RolloutAction;
    clusters: string[];
  }>();
  const items = history.value?.items ?? [];
  const { followed, follow } = useFollowedOperations(items);
  // The wave starts as every region in the configured order.
  const regions = rollout.value?.regions.map(r => r.cluster).join(',') ?? '';
  useEffect(() => {
    if (regions) setWave(regions.split(','));
  }, [regions]);
  const kindOf = (id: string) =>
    rolloutActionOfKind(items.find(o => o.id === id)?.kind ?? '');
  const denied = (Object.keys(permissions) as RolloutAction[]).every(
    a => permissions[a] === false,
  );

  return (
    <Stack spacing={3}>
      {denied && (
        <Alert severity="info">
          <AlertTitle>
            You may not act on the rollout of {entity.metadata.name}
          </AlertTitle>
          Promoting, aborting and retrying need the
          service-ops.operation.rollout-* permissions on {entityRef}, which the
          portal gives to the container's owners and the platform on-call group.
          You can still preview actions and follow them below.
        </Alert>
      )}
      <LiveOperationsCard
        title="Rollout actions in progress"
        subheader="Started or running while this page is open, kept live"
        entityRef={entityRef}
        ids={followed}
        canCancel={id => {
          const action = kindOf(id);
          return !action || permissions[action] !== false;
        }}
        canApprove={id => {
          const action = kindOf(id);
          return !!action && permissions[action] === true;
        }}
        onChanged={() => {
          history.refresh();
          rollout.refresh();
        }}
      />
      <InfoCard
        title={`Rollout of ${entity.metadata.name}`}
        subheader="Argo Rollouts in each region, from the live state; actions go through the operations engine"
      >
        <RefetchedContent
          state={rollout}
          loadingLabel="loading the rollout"
          errorTitle="Could not load the rollout"
          staleTitle="Could not refresh the rollout; showing the last state"
        >
          {value => (
            <RolloutCard
              rollout={value}
              now={now}
              permissions={permissions}
              wave={wave}
              onWaveChange={setWave}
              onAction={(action, clusters) => setDialog({ action, clusters })}
            />
          )}
        </RefetchedContent>
      </InfoCard>
      <OperationHistoryCard
        title="Promotion history"
        subheader="This container's rollout actions, newest first"
        history={history}
        now={now}
        showKind
        emptyText="No rollout action has been taken on this container yet."
      />
      {dialog && (
        <RolloutActionDialog
          entityRef={entityRef}
          targetName={entity.metadata.name}
          action={dialog.action}
          clusters={dialog.clusters}
          onClose={() => setDialog(undefined)}
          onStarted={operation => {
            setDialog(undefined);
            follow(operation.id);
            history.refresh();
            rollout.refresh();
          }}
        />
      )}
    </Stack>
  );
}
