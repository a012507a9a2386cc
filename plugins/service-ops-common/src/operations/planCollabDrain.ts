import { CollabDrainPreviewPod } from './types';

/** What the plan is computed from. */
export interface CollabDrainPlanInput {
  /** The container's pods in the cluster (terminating pods are left out). */
  pods: Array<{ name: string; ready: boolean; createdAt?: string }>;
  /** Only these pods, when given. */
  chosen?: string[];
  /** Sessions per pod, from the pods' metric. */
  sessions: Map<string, number>;
  noticeSeconds: number;
  /** How long a replacement pod takes to become Ready, in seconds. */
  replacementSeconds: number;
  /** The PodDisruptionBudget's allowed disruptions now, if one covers the pods. */
  disruptionsAllowed?: number;
  /** Ready pods the workload wants (its desired replicas). */
  desired: number;
}

export interface CollabDrainPlan {
  pods: CollabDrainPreviewPod[];
  estimatedSeconds: number;
  warnings: string[];
  /** Pods asked for that do not exist (a request naming them is refused). */
  unknown: string[];
}

/**
 * The order a drain evicts pods in, how long it takes and what to warn about: pods that
 * are not Ready first (they serve nobody), then the oldest; one at a time, each waiting
 * for its replacement, after the notice.
 */
export function planCollabDrain(input: CollabDrainPlanInput): CollabDrainPlan {
  const byName = new Map(input.pods.map(p => [p.name, p]));
  const unknown = (input.chosen ?? []).filter(name => !byName.has(name));
  const selected = input.chosen
    ? input.pods.filter(p => input.chosen!.includes(p.name))
    : [...input.pods];
  selected.sort(
    (a, b) =>
      Number(a.ready) - Number(b.ready) ||
      (a.createdAt ?? '').localeCompare(b.createdAt ?? '') ||
      a.name.localeCompare(b.name),
  );
  const pods = selected.map(p => ({
    name: p.name,
    ready: p.ready,
    ...(input.sessions.has(p.name)
      ? { sessions: input.sessions.get(p.name) }
      : {}),
  }));
  const warnings: string[] = [];
  if (pods.length === 0) warnings.push('there are no pods to drain');
  if (input.disruptionsAllowed === 0)
    warnings.push(
      'the PodDisruptionBudget allows no disruption now: evictions will wait until it does',
    );
  const ready = input.pods.filter(p => p.ready).length;
  if (ready < input.desired)
    warnings.push(
      `only ${ready} of ${input.desired} pods are Ready: the others' clients have fewer pods to move to`,
    );
  if (pods.length > 0 && pods.length === input.pods.length && ready <= 1)
    warnings.push(
      'every pod is drained and at most one is Ready: clients may have nowhere to reconnect until the replacements are Ready',
    );
  const sessions = pods.reduce((sum, p) => sum + (p.sessions ?? 0), 0);
  if (sessions > 0)
    warnings.push(
      `${sessions} connected session(s) will be asked to move within ${input.noticeSeconds} s`,
    );
  return {
    pods,
    estimatedSeconds:
      pods.length === 0
        ? 0
        : input.noticeSeconds + pods.length * input.replacementSeconds,
    warnings,
    unknown,
  };
}
