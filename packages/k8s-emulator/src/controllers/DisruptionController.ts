import { matchesSelectorObject } from '../api/selectors';
import { KubeObject } from '../store/ObjectStore';
import { ControllerContext, TYPES } from './context';

/** The figures of a PodDisruptionBudget's status, as the disruption controller computes them. */
export interface DisruptionFigures {
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptionsAllowed: number;
}

/** Running, Ready and not being deleted: a pod that counts towards a budget. */
export function isHealthyPod(pod: KubeObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status?.conditions ?? []).some(
      (c: { type?: string; status?: string }) =>
        c.type === 'Ready' && c.status === 'True',
    )
  );
}

/**
 * A budget's figures over the pods of its namespace: expected = pods its selector covers
 * that are not being deleted; desired healthy from minAvailable or maxUnavailable (an
 * integer or a percentage of expected, rounded up); disruptions allowed = healthy - desired.
 */
export function disruptionFigures(
  pdb: KubeObject,
  podsInNamespace: KubeObject[],
): DisruptionFigures {
  const covered = podsInNamespace.filter(p =>
    matchesSelectorObject(pdb.spec?.selector, p.metadata.labels),
  );
  const expectedPods = covered.filter(
    p => !p.metadata.deletionTimestamp,
  ).length;
  const currentHealthy = covered.filter(isHealthyPod).length;
  const resolve = (value: number | string) =>
    typeof value === 'string' && value.endsWith('%')
      ? Math.ceil((expectedPods * Number(value.slice(0, -1))) / 100)
      : Number(value);
  const desiredHealthy =
    pdb.spec?.minAvailable !== undefined
      ? resolve(pdb.spec.minAvailable)
      : Math.max(0, expectedPods - resolve(pdb.spec?.maxUnavailable ?? 0));
  return {
    currentHealthy,
    desiredHealthy,
    expectedPods,
    disruptionsAllowed: Math.max(0, currentHealthy - desiredHealthy),
  };
}

/**
 * The disruption controller of kube-controller-manager, reduced to what readers see: each
 * PodDisruptionBudget's status (healthy, desired, expected, disruptions allowed), written
 * only when a figure changed.
 */
export class DisruptionController {
  constructor(private readonly ctx: ControllerContext) {}

  reconcile() {
    const podsByNamespace = new Map<string, KubeObject[]>();
    for (const pdb of this.ctx.store.list(TYPES.pdbs)) {
      const namespace = pdb.metadata.namespace ?? '';
      let pods = podsByNamespace.get(namespace);
      if (!pods) {
        pods = this.ctx.store.list(TYPES.pods, namespace);
        podsByNamespace.set(namespace, pods);
      }
      const figures = disruptionFigures(pdb, pods);
      const status = pdb.status ?? {};
      const unchanged = (
        Object.keys(figures) as Array<keyof DisruptionFigures>
      ).every(key => status[key] === figures[key]);
      if (unchanged && status.observedGeneration === pdb.metadata.generation)
        continue;
      this.ctx.mutate(
        TYPES.pdbs,
        pdb,
        o => {
          o.status = {
            ...o.status,
            ...figures,
            observedGeneration: o.metadata.generation,
          };
        },
        true,
      );
    }
  }
}
