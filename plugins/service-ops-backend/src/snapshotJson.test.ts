import type { EntitySnapshot } from '@internal/backstage-plugin-service-ops-common';
import { gunzipSync } from 'node:zlib';
import {
  snapshotContentJson,
  snapshotGzip,
  snapshotJson,
} from './snapshotJson';

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

  it('gzips to exactly its JSON, the tail compressed once per assembly, non-ASCII text included', () => {
    const big: EntitySnapshot = {
      ...snapshot,
      containers: [], // an assembly of its own
      clusters: [
        { name: 'me', status: 'stale', error: 'délai dépassé ⏱' },
        ...snapshot.clusters,
      ],
      drift: Array.from({ length: 2000 }, (_, i) => ({
        ...snapshot.drift[0],
        message: `max ${i % 97}, déclaré 50 — ${'x'.repeat(i % 13)}`,
      })),
    };
    const first = snapshotGzip(big);
    expect(gunzipSync(first).toString()).toBe(snapshotJson(big));
    expect(first.length).toBeLessThan(Buffer.byteLength(snapshotJson(big)) / 5);
    const laterRead = { ...big, generatedAt: '2026-11-22T10:00:09.000Z' };
    const later = snapshotGzip(laterRead);
    expect(gunzipSync(later).toString()).toBe(snapshotJson(laterRead));
    // Only the head differs: the compressed tail is the very same bytes.
    const tailOf = (gz: Buffer) => gz.subarray(gz.length - 8 - 200, -8);
    expect(tailOf(later).equals(tailOf(first))).toBe(true);
    expect(later.equals(first)).toBe(false);
  });
});
