import type {
  EntitySnapshot,
  Health,
  HealthLevel,
} from '@internal/backstage-plugin-service-ops-common';

/** The region selector's value for every cluster. */
export const ALL_REGIONS = 'all';

const RANK: Record<HealthLevel, number> = {
  healthy: 0,
  unknown: 1,
  degraded: 2,
  down: 3,
};

/** The worst of some health levels; `unknown` when there are none. */
export function worstHealth(levels: HealthLevel[]): HealthLevel {
  if (levels.length === 0) return 'unknown';
  return levels.reduce((worst, level) =>
    RANK[level] > RANK[worst] ? level : worst,
  );
}

/**
 * The snapshot as seen from one region: its cluster, each container's state there
 * (the container's health becomes that region's), and that region's drift. `all`
 * returns the snapshot unchanged.
 */
export function selectRegion(
  snapshot: EntitySnapshot,
  region: string,
): EntitySnapshot {
  if (region === ALL_REGIONS) return snapshot;
  return {
    ...snapshot,
    clusters: snapshot.clusters.filter(c => c.name === region),
    containers: snapshot.containers.map(container => {
      const regions = container.regions.filter(r => r.cluster === region);
      const health: Health = regions[0]?.health ?? {
        level: 'unknown',
        reasons: [`not running in ${region}`],
      };
      return { ...container, regions, health };
    }),
    drift: snapshot.drift.filter(f => f.cluster === region),
  };
}

/** Whether anything runs for the entity in any cluster of the snapshot. */
export function hasWorkloads(snapshot: EntitySnapshot): boolean {
  return snapshot.containers.some(c => c.regions.some(r => !!r.workload));
}
