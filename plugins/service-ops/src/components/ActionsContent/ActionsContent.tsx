import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import { serviceOpsCollabDrainPermission } from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';
import { useEntitySnapshot } from '../../hooks/useEntitySnapshot';
import { useFollowedOperations } from '../../hooks/useFollowedOperations';
import { useEntityOperations } from '../../hooks/useOperations';
import {
  COLLAB_DRAIN_CONTAINER,
  isRolloutTarget,
} from '../../lib/entityFilters';
import { CollabDrainForm } from '../CollabDrainForm';
import { IDLE_TICK_MS, useNow } from '../LiveOperation';
import { LiveOperationsCard } from '../LiveOperationsCard';
import { OperationHistoryCard } from '../OperationHistoryCard';
import { RefetchedContent } from '../RefetchedContent';
import { RolloutActions } from '../RolloutActions';

/**
 * The Actions tab of a container with operator actions: the rollout actions of an Argo
 * rollout's container (content-api, authoring-api), else the collab drain.
 */
export function ActionsContent() {
  const { entity } = useEntity();
  return isRolloutTarget(entity) ? <RolloutActions /> : <CollabDrainActions />;
}

/**
 * The collab container's actions: drain collab pods (region, pods, notice, preview,
 * typed confirmation), the running drains' live progress with Cancel, and the history
 * of the container's operations.
 */
function CollabDrainActions() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const container =
    entity.metadata.annotations?.['backstage.io/kubernetes-id'] ??
    COLLAB_DRAIN_CONTAINER;
  const permission = usePermission({
    permission: serviceOpsCollabDrainPermission,
    resourceRef: entityRef,
  });
  // Undefined while it is checked. When the check itself fails, the backend still
  // decides (a 403 in the dialog).
  let allowed: boolean | undefined;
  if (!permission.loading) allowed = permission.allowed || !!permission.error;
  const snapshot = useEntitySnapshot(entityRef);
  const history = useEntityOperations(entityRef);
  const now = useNow(IDLE_TICK_MS);
  const { followed, follow, activeKey } = useFollowedOperations(
    history.value?.items ?? [],
  );

  return (
    <Stack spacing={3}>
      {allowed === false && (
        <Alert severity="info">
          <AlertTitle>You may not drain {entity.metadata.name}</AlertTitle>
          Draining needs the {serviceOpsCollabDrainPermission.name} permission
          on {entityRef}, which the portal gives to the container's owners and
          the platform on-call group. You can still preview a drain and follow
          the operations below.
        </Alert>
      )}
      {permission.error && (
        <Alert severity="warning">
          <AlertTitle>Could not check your permission to drain</AlertTitle>
          {permission.error.message}; the backend checks it when you start a
          drain.
        </Alert>
      )}
      <LiveOperationsCard
        title="Drain progress"
        subheader="Drains started or running while this page is open, kept live"
        entityRef={entityRef}
        ids={followed}
        canCancel={() => allowed !== false}
        onChanged={history.refresh}
      />
      <InfoCard
        title="Drain collab pods"
        subheader="Tell the connected clients to move, wait for the notice, then recreate the pods one at a time through the Eviction API"
      >
        <RefetchedContent
          state={snapshot}
          loadingLabel="loading the live state"
          errorTitle="Could not load the pods"
        >
          {value => (
            <CollabDrainForm
              entityRef={entityRef}
              entityName={entity.metadata.name}
              container={container}
              snapshot={value}
              allowed={allowed}
              refreshKey={activeKey}
              onStarted={operation => {
                follow(operation.id);
                history.refresh();
              }}
            />
          )}
        </RefetchedContent>
      </InfoCard>
      <OperationHistoryCard
        title="History"
        subheader="This container's operations, newest first"
        history={history}
        now={now}
        emptyText="No drain has been run on this container yet."
      />
    </Stack>
  );
}
