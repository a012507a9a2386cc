import type { ClusterState } from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import { formatAge } from '../../lib/formatAge';

/** `eu: data from 3 min ago — watch failed: …`, `ap: syncing, no data yet`. */
export function describeClusterState(cluster: ClusterState, now: number) {
  const age = cluster.lastSyncAt
    ? `data from ${formatAge(cluster.lastSyncAt, now)}`
    : 'no data yet';
  const why =
    cluster.error ??
    (cluster.status === 'syncing' ? 'first sync in progress' : undefined);
  return `${cluster.name}: ${age}${why ? ` — ${why}` : ''}`;
}

/**
 * One banner per cluster whose data is not live: stale (a watch failed; the data is
 * as of its last sync) or still syncing. The other regions keep working.
 */
export function StaleRegionBanners(props: {
  clusters: ClusterState[];
  now: number;
}) {
  const notLive = props.clusters.filter(c => c.status !== 'live');
  if (notLive.length === 0) return null;
  return (
    <Stack spacing={1}>
      {notLive.map(cluster => (
        <Alert
          key={cluster.name}
          severity={cluster.status === 'stale' ? 'warning' : 'info'}
        >
          {describeClusterState(cluster, props.now)}
        </Alert>
      ))}
    </Stack>
  );
}
