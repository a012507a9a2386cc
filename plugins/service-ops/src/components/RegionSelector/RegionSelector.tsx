import type { ClusterState } from '@internal/backstage-plugin-service-ops-common';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import { ALL_REGIONS } from '../../lib/selectRegion';

/** All regions, or one cluster; a cluster that is not live says so. */
export function RegionSelector(props: {
  clusters: ClusterState[];
  value: string;
  onChange: (region: string) => void;
}) {
  const { clusters, value, onChange } = props;
  return (
    <ToggleButtonGroup
      size="small"
      exclusive
      value={value}
      onChange={(_event, region: string | null) => region && onChange(region)}
      aria-label="region"
    >
      <ToggleButton value={ALL_REGIONS}>All regions</ToggleButton>
      {clusters.map(cluster => (
        <ToggleButton key={cluster.name} value={cluster.name}>
          {cluster.name}
          {cluster.status === 'live' ? '' : ` (${cluster.status})`}
        </ToggleButton>
      ))}
    </ToggleButtonGroup>
  );
}
