import type { EntitySnapshot } from '@internal/backstage-plugin-service-ops-common';

interface SerialisedContent {
  containers: string;
  drift: string;
}

// A snapshot served from the live state's cache shares its containers and drift with
// every other read until a cluster changes: they are serialised once.
const serialised = new WeakMap<object, SerialisedContent>();

/** The JSON of a snapshot's containers and drift, computed once per assembly. */
export function snapshotContentJson(
  snapshot: EntitySnapshot,
): SerialisedContent {
  let content = serialised.get(snapshot.containers);
  if (!content) {
    content = {
      containers: JSON.stringify(snapshot.containers),
      drift: JSON.stringify(snapshot.drift),
    };
    serialised.set(snapshot.containers, content);
  }
  return content;
}

/** The snapshot as JSON, as `JSON.stringify` would write it, reusing the shared parts. */
export function snapshotJson(snapshot: EntitySnapshot): string {
  const { containers, drift } = snapshotContentJson(snapshot);
  const head = JSON.stringify({
    entityRef: snapshot.entityRef,
    generatedAt: snapshot.generatedAt,
    clusters: snapshot.clusters,
  });
  return `${head.slice(0, -1)},"containers":${containers},"drift":${drift}}`;
}
