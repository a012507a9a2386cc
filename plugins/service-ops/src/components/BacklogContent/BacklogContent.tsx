import { useState } from 'react';
import useInterval from 'react-use/esm/useInterval';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import type { EntityBacklog } from '@internal/backstage-plugin-service-ops-common';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { BACKLOG_WINDOWS, BacklogWindow } from '../../api';
import {
  useBacklog,
  useBacklogHistory,
  useBacklogPoison,
} from '../../hooks/useBacklog';
import type { PolledState } from '../../hooks/useBacklogPolling';
import { formatAge } from '../../lib/formatAge';
import { BacklogChart } from './BacklogChart';
import { BacklogTiles } from './BacklogTiles';
import { ConsumerTable } from './ConsumerTable';
import { NatsBanner } from './NatsBanner';
import { PoisonMessages } from './PoisonMessages';
import { SagaPanel } from './SagaPanel';

/** How often ages are recomputed without new data. */
const CLOCK_TICK_MS = 15_000;

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
  return now;
}

/** A 404 from `GET /backlog`: the entity has no configured streams. */
function isNotConfigured(error: Error): error is ResponseError {
  return error instanceof ResponseError && error.statusCode === 404;
}

function BacklogHistoryCard(props: { entityRef: string }) {
  const [window, setWindow] = useState<BacklogWindow>('1h');
  const history = useBacklogHistory({ entityRef: props.entityRef, window });
  return (
    <InfoCard
      title="Backlog over time"
      subheader="Each consumer's backlog in items, as sampled by the backend"
      action={
        <ToggleButtonGroup
          size="small"
          exclusive
          value={window}
          onChange={(_event, value: BacklogWindow | null) =>
            value && setWindow(value)
          }
          aria-label="backlog window"
        >
          {BACKLOG_WINDOWS.map(w => (
            <ToggleButton key={w} value={w}>
              {w}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      }
    >
      {history.loading && <LinearProgress aria-label="loading history" />}
      {history.error && (
        <WarningPanel
          severity="warning"
          title="Could not load the backlog history"
          message={history.error.message}
        />
      )}
      {history.value && <BacklogChart history={history.value} />}
    </InfoCard>
  );
}

function PoisonCard(props: { entityRef: string; now: number }) {
  const poison = useBacklogPoison(props.entityRef);
  return (
    <InfoCard
      title="Poison messages"
      subheader="Messages a consumer gave up on (max deliveries reached or terminated)"
    >
      {poison.loading && (
        <LinearProgress aria-label="loading poison messages" />
      )}
      {poison.error && (
        <WarningPanel
          severity="warning"
          title="Could not load the poison messages"
          message={poison.error.message}
        />
      )}
      {poison.value && (
        <PoisonMessages items={poison.value.items} now={props.now} />
      )}
    </InfoCard>
  );
}

function BacklogView(props: {
  backlog: EntityBacklog;
  refreshError?: Error;
  now: number;
}) {
  const { backlog, refreshError, now } = props;
  return (
    <Stack spacing={3}>
      <Stack
        direction="row"
        spacing={2}
        alignItems="center"
        flexWrap="wrap"
        useFlexGap
      >
        {backlog.nats.state === 'connected' && (
          <NatsBanner nats={backlog.nats} now={now} />
        )}
        <Typography variant="body2" color="text.secondary">
          Read {formatAge(backlog.readAt, now)}; refreshed every 10 s.
        </Typography>
      </Stack>
      {backlog.nats.state !== 'connected' && (
        <NatsBanner nats={backlog.nats} now={now} />
      )}
      {refreshError && (
        <WarningPanel
          severity="warning"
          title="Could not refresh the backlog; showing the last data"
          message={refreshError.message}
        />
      )}
      {backlog.problems.length > 0 && (
        <WarningPanel
          severity="info"
          title="Some thresholds could not be taken from the declared model"
        >
          <ul>
            {backlog.problems.map(problem => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </WarningPanel>
      )}
      {backlog.streams.length === 0 ? (
        <EmptyState
          missing="data"
          title="No streams configured for this service"
          description={`Add its JetStream streams under serviceOps.backlog.services.${backlog.service} in the backend's app-config.`}
        />
      ) : (
        <>
          <InfoCard
            title="Backlog"
            subheader="Each consumer's backlog in items against the threshold KEDA scales on"
          >
            <BacklogTiles streams={backlog.streams} />
          </InfoCard>
          <BacklogHistoryCard entityRef={backlog.entityRef} />
          <InfoCard title="Consumers">
            <ConsumerTable streams={backlog.streams} now={now} />
          </InfoCard>
          <PoisonCard entityRef={backlog.entityRef} now={now} />
        </>
      )}
    </Stack>
  );
}

/** The entity's backlog: loading, not configured, error, or the view. */
function BacklogSection(props: {
  backlog: PolledState<EntityBacklog>;
  now: number;
}) {
  const { backlog } = props;
  if (backlog.loading) return <Progress />;
  if (!backlog.value) {
    const error = backlog.error ?? new Error('The backend returned no backlog');
    if (isNotConfigured(error)) {
      return (
        <EmptyState
          missing="data"
          title="No streams configured for this service"
          description={error.body.error.message}
        />
      );
    }
    return (
      <ResponseErrorPanel title="Could not load the backlog" error={error} />
    );
  }
  return (
    <BacklogView
      backlog={backlog.value}
      refreshError={backlog.error}
      now={props.now}
    />
  );
}

/**
 * The Backlog & sagas tab of a service or container: its JetStream streams and
 * consumers against their thresholds, their history and poison messages, and the
 * publish sagas. Polled every 10 s while shown.
 */
export function BacklogContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const now = useNow();
  const backlog = useBacklog(entityRef);
  const regions = [
    ...new Set(
      backlog.value?.streams.flatMap(s => (s.region ? [s.region] : [])) ?? [],
    ),
  ];
  return (
    <Stack spacing={3}>
      <BacklogSection backlog={backlog} now={now} />
      <InfoCard
        title="Publish sagas"
        subheader="authoring → content → catalog, projected from the event streams"
      >
        <SagaPanel regions={regions} now={now} />
      </InfoCard>
    </Stack>
  );
}
