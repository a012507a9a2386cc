import { buildSnapshot } from '../__fixtures__/snapshots';
import {
  ALL_REGIONS,
  hasWorkloads,
  selectRegion,
  worstHealth,
} from './selectRegion';

describe('worstHealth', () => {
  it('ranks down over degraded over unknown over healthy', () => {
    expect(worstHealth(['healthy', 'degraded', 'unknown'])).toBe('degraded');
    expect(worstHealth(['healthy', 'down', 'degraded'])).toBe('down');
    expect(worstHealth(['healthy', 'unknown'])).toBe('unknown');
    expect(worstHealth(['healthy'])).toBe('healthy');
    expect(worstHealth([])).toBe('unknown');
  });
});

describe('selectRegion', () => {
  const snapshot = buildSnapshot();

  it('keeps one region’s cluster, container states and drift', () => {
    const me = selectRegion(snapshot, 'me');
    expect(me.clusters.map(c => c.name)).toEqual(['me']);
    expect(me.containers.flatMap(c => c.regions.map(r => r.cluster))).toEqual([
      'me',
      'me',
      'me',
    ]);
    expect(me.drift.map(f => f.cluster)).toEqual(['me']);
    expect(selectRegion(snapshot, 'us').drift).toEqual([]);
  });

  it('takes the region’s health as the container’s', () => {
    const eu = selectRegion(snapshot, 'eu');
    const builder = eu.containers.find(c => c.container === 'content-builder');
    expect(builder?.health.level).toBe('degraded');
    const us = selectRegion(snapshot, 'us');
    expect(
      us.containers.find(c => c.container === 'content-builder')?.health.level,
    ).toBe('healthy');
  });

  it('returns everything for all regions', () => {
    expect(selectRegion(snapshot, ALL_REGIONS)).toBe(snapshot);
  });
});

describe('hasWorkloads', () => {
  it('is false when no cluster runs anything for the entity', () => {
    expect(hasWorkloads(buildSnapshot())).toBe(true);
    expect(hasWorkloads({ ...buildSnapshot(), containers: [] })).toBe(false);
  });
});
