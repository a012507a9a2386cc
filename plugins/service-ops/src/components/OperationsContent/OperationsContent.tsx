import { useMemo, useState } from 'react';
import useInterval from 'react-use/esm/useInterval';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DeclaredContainer,
  EntitySnapshot,
  readDeclaredContainer,
} from '@internal/backstage-plugin-service-ops-common';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { HistoryWindow } from '../../api';
import { useEntitySnapshot } from '../../hooks/useEntitySnapshot';
import { useRelatedEntities } from '../../hooks/useRelatedEntities';
import { useScalingHistory } from '../../hooks/useScalingHistory';
import { formatAge } from '../../lib/formatAge';
import {
  ALL_REGIONS,
  hasWorkloads,
  selectRegion,
} from '../../lib/selectRegion';
import { ContainerCard } from '../ContainerCard';
import { ContainersOverview } from '../ContainersOverview';
import { DriftList } from '../DriftList';
import { RegionSelector } from '../RegionSelector';
import { ResourcesTable } from '../ResourcesTable';
import { StaleRegionBanners } from '../StaleRegionBanners';
import { TopologyGraph } from '../TopologyGraph';
import { WindowSelector } from '../WindowSelector';

/** How often ages ("data from 3 min ago") are recomputed without new data. */
const CLOCK_TICK_MS = 15_000;

function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), CLOCK_TICK_MS);
  return now;
}

/** The declared model of every container entity in sight, by container name. */
function declaredContainers(
  entities: Entity[],
): Map<string, DeclaredContainer> {
  const map = new Map<string, DeclaredContainer>();
  for (const item of entities) {
    const result = readDeclaredContainer(item);
    if (result.kind === 'container') {
      map.set(result.container.container, result.container);
    }
  }
  return map;
}

function OperationsView(props: {
  entity: Entity;
  snapshot: EntitySnapshot;
  refreshError?: Error;
}) {
  const { entity, snapshot, refreshError } = props;
  const now = useNow();
  const [region, setRegion] = useState<string>(ALL_REGIONS);
  const [window, setWindow] = useState<HistoryWindow>('1h');
  const selected = snapshot.clusters.some(c => c.name === region)
    ? region
    : ALL_REGIONS;
  const view = useMemo(
    () => selectRegion(snapshot, selected),
    [snapshot, selected],
  );

  const containerRefs = snapshot.containers.flatMap(c =>
    c.entityRef ? [c.entityRef] : [],
  );
  const related = useRelatedEntities(entity, containerRefs);
  const declared = useMemo(
    () => declaredContainers([entity, ...related.value.values()]),
    [entity, related.value],
  );
  const history = useScalingHistory({
    entityRef: snapshot.entityRef,
    window,
    cluster: selected === ALL_REGIONS ? undefined : selected,
    generatedAt: snapshot.generatedAt,
  });

  const empty = !hasWorkloads(snapshot);

  return (
    <Stack spacing={3}>
      <Stack
        direction="row"
        spacing={2}
        alignItems="center"
        flexWrap="wrap"
        useFlexGap
      >
        <RegionSelector
          clusters={snapshot.clusters}
          value={selected}
          onChange={setRegion}
        />
        <Typography variant="body2" color="text.secondary">
          Live state from {formatAge(snapshot.generatedAt, now)}; updates as the
          clusters change.
        </Typography>
      </Stack>
      {refreshError && (
        <WarningPanel
          severity="warning"
          title="Could not refresh the live state; showing the last data"
          message={refreshError.message}
        />
      )}
      <StaleRegionBanners clusters={view.clusters} now={now} />
      {empty ? (
        <>
          <EmptyState
            missing="data"
            title="No workloads found for this entity in any cluster"
            description="Check the backstage.io/kubernetes-id annotation (and backstage.io/kubernetes-namespace or backstage.io/kubernetes-label-selector, if set): the service-ops backend finds workloads by them, as the Kubernetes plugin does."
          />
          {snapshot.drift.length > 0 && (
            <InfoCard title="Drift">
              <DriftList drift={view.drift} />
            </InfoCard>
          )}
        </>
      ) : (
        <>
          <InfoCard title="Replicas by region">
            <ContainersOverview
              containers={view.containers}
              clusters={view.clusters}
            />
          </InfoCard>
          <InfoCard title="Topology">
            {related.error && (
              <WarningPanel
                severity="info"
                title="Some catalog entities could not be loaded"
                message={related.error.message}
              />
            )}
            <TopologyGraph
              entity={entity}
              related={related.value}
              snapshot={view}
            />
          </InfoCard>
          <InfoCard
            title="Drift"
            subheader="Where the clusters differ from the topology document"
          >
            <DriftList drift={view.drift} />
          </InfoCard>
          <InfoCard
            title="Resources"
            subheader="Requests and limits as declared and as deployed, and what the pods use"
          >
            <ResourcesTable snapshot={view} declared={declared} />
          </InfoCard>
          <Stack spacing={2}>
            <Stack
              direction="row"
              spacing={2}
              alignItems="center"
              flexWrap="wrap"
              useFlexGap
            >
              <Typography variant="h5" component="h2">
                Containers
              </Typography>
              <WindowSelector value={window} onChange={setWindow} />
            </Stack>
            {history.loading && <LinearProgress aria-label="loading history" />}
            {history.error && (
              <WarningPanel
                severity="warning"
                title="Could not load the scaling history"
                message={history.error.message}
              />
            )}
            {view.containers.map(container => (
              <ContainerCard
                key={container.container}
                container={container}
                declared={declared.get(container.container)}
                drift={view.drift}
                samples={history.value?.samples.filter(
                  s => s.container === container.container,
                )}
                span={
                  history.value && {
                    from: Date.parse(history.value.from),
                    to: Date.parse(history.value.to),
                  }
                }
                now={now}
              />
            ))}
          </Stack>
        </>
      )}
    </Stack>
  );
}

/**
 * The Operations tab of a service or container: what runs in every region, its
 * topology, scaling, resources, drift and pods, kept live by backend signals.
 */
export function OperationsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useEntitySnapshot(entityRef);
  if (loading) return <Progress />;
  if (!value) {
    return (
      <ResponseErrorPanel
        title="Could not load the live state"
        error={error ?? new Error('The backend returned no snapshot')}
      />
    );
  }
  return (
    <OperationsView entity={entity} snapshot={value} refreshError={error} />
  );
}
