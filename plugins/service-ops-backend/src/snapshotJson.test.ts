import type { EntitySnapshot } from '@internal/backstage-plugin-service-ops-common';
import { snapshotContentJson, snapshotJson } from './snapshotJson';

const snapshot: EntitySnapshot = {
  entityRef: 'component:default/content-builder',
  generatedAt: '2026-11-22T10:00:00.000Z',
  clusters: [
    { name: 'us', status: 'live', lastSyncAt: '2026-11-22T10:00:00.000Z' },
  ],
  containers: [],
  drift: [
    {
      cluster: 'me',
      container: 'content-bundler',
      kind: 'max',
      declared: '50',
      actual: '40',
      message: 'max 40, declared 50',
    },
  ],
};

describe('snapshotJson', () => {
  it('writes what JSON.stringify writes', () => {
    expect(JSON.parse(snapshotJson(snapshot))).toEqual(snapshot);
    expect(snapshotJson(snapshot)).toBe(JSON.stringify(snapshot));
  });

  it('serialises the shared parts of a snapshot once, and a new assembly again', () => {
    const first = snapshotContentJson(snapshot);
    const laterRead = { ...snapshot, generatedAt: '2026-11-22T10:00:05.000Z' };
    expect(snapshotContentJson(laterRead)).toBe(first);
    expect(JSON.parse(snapshotJson(laterRead)).generatedAt).toBe(
      '2026-11-22T10:00:05.000Z',
    );
    expect(snapshotContentJson({ ...snapshot, containers: [] })).not.toBe(
      first,
    );
  });
});
