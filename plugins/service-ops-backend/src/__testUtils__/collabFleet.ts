import { ManualClock, typeOfKind } from '@internal/k8s-emulator';
import { Fleet } from '@internal/sandbox-fleet';

const POD = typeOfKind('v1', 'Pod')!;
const isCollab = (labels?: Record<string, string>) =>
  labels?.['backstage.io/kubernetes-id'] === 'authoring-collab';

/**
 * The sandbox fleet on a manual clock, two simulated minutes in, with the names of the
 * authoring-collab pods deleted in eu recorded as they go (evictions delete pods).
 */
export async function startCollabFleet(seed: number) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 11, 0, 0));
  const fleet = await Fleet.start({ clock, seed });
  for (let s = 0; s < 120; s += 15) {
    clock.advance(15_000);
    fleet.clusters.forEach(c => c.cluster.step());
  }
  const eu = fleet.clusters.find(c => c.region === 'eu')!;
  const deleted: string[] = [];
  eu.cluster.store.watch(POD, eu.cluster.store.resourceVersion, event => {
    if (event.type === 'DELETED' && isCollab(event.object.metadata.labels))
      deleted.push(String(event.object.metadata.name));
  });
  return {
    clock,
    fleet,
    eu,
    /** Names of the collab pods eu deleted, in order. */
    deleted,
    /** The collab pods eu runs now (not being deleted), sorted. */
    collabPods: () =>
      eu.cluster.store
        .list(POD, 'authoring')
        .filter(
          p => isCollab(p.metadata.labels) && !p.metadata.deletionTimestamp,
        )
        .map(p => String(p.metadata.name))
        .sort(),
  };
}
