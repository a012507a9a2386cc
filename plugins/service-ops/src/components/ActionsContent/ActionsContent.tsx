import { useEffect, useState } from 'react';
import {
  InfoCard,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  isFinalOperationState,
  serviceOpsCollabDrainPermission,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import { useEntitySnapshot } from '../../hooks/useEntitySnapshot';
import { useEntityOperations } from '../../hooks/useOperations';
import { backendMessage } from '../../lib/backendMessage';
import {
  COLLAB_DRAIN_CONTAINER,
  isRolloutTarget,
} from '../../lib/entityFilters';
import { CollabDrainForm } from '../CollabDrainForm';
import { OperationHistory } from '../OperationHistory';
import { IDLE_TICK_MS, LiveOperation, useNow } from '../LiveOperation';
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
  // Drains this page started or saw running stay shown until the page is left, so
  // that their outcome shows once they are final.
  const [followed, setFollowed] = useState<string[]>([]);
  const items = history.value?.items ?? [];
  const activeIds = items
    .filter(o => !isFinalOperationState(o.state))
    .map(o => o.id);
  const activeKey = activeIds.join(',');
  useEffect(() => {
    if (!activeKey) return;
    setFollowed(ids => {
      const more = activeKey.split(',').filter(id => !ids.includes(id));
      return more.length ? [...more, ...ids] : ids;
    });
  }, [activeKey]);
  const follow = (id: string) =>
    setFollowed(ids => (ids.includes(id) ? ids : [id, ...ids]));
  const onChanged = () => history.refresh();

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
      {followed.length > 0 && (
        <InfoCard
          title="Drain progress"
          subheader="Drains started or running while this page is open, kept live"
        >
          <Stack spacing={4}>
            {followed.map(id => (
              <LiveOperation
                key={id}
                entityRef={entityRef}
                id={id}
                canCancel={allowed !== false}
                onChanged={onChanged}
              />
            ))}
          </Stack>
        </InfoCard>
      )}
      <InfoCard
        title="Drain collab pods"
        subheader="Tell the connected clients to move, wait for the notice, then recreate the pods one at a time through the Eviction API"
      >
        {snapshot.loading && (
          <LinearProgress aria-label="loading the live state" />
        )}
        {!snapshot.value && snapshot.error && (
          <ResponseErrorPanel
            title="Could not load the pods"
            error={snapshot.error}
          />
        )}
        {snapshot.value && (
          <CollabDrainForm
            entityRef={entityRef}
            entityName={entity.metadata.name}
            container={container}
            snapshot={snapshot.value}
            allowed={allowed}
            refreshKey={activeKey}
            onStarted={operation => {
              follow(operation.id);
              history.refresh();
            }}
          />
        )}
      </InfoCard>
      <InfoCard
        title="History"
        subheader="This container's operations, newest first"
      >
        {history.loading && <LinearProgress aria-label="loading the history" />}
        {history.error && !history.value && (
          <ResponseErrorPanel
            title="Could not load the operations"
            error={history.error}
          />
        )}
        {history.error && history.value && (
          <WarningPanel
            severity="warning"
            title="Could not refresh the operations; showing the last list"
            message={backendMessage(history.error)}
          />
        )}
        {history.value && (
          <OperationHistory
            operations={history.value.items}
            totalCount={history.value.totalCount}
            now={now}
          />
        )}
      </InfoCard>
    </Stack>
  );
}
