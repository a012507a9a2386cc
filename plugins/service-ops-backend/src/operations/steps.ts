import { OperationStep } from '@internal/backstage-plugin-service-ops-common';

const DONE: OperationStep['status'][] = ['succeeded', 'failed', 'skipped'];

/**
 * The steps with `changes` applied by id: a step that starts running gets its start
 * time, one that ends (succeeded, failed, skipped) its end time, and one that succeeded
 * or failed without having been marked running its start time too (a skipped step never
 * started). Steps not named are kept as they are.
 */
export function mergeSteps(
  steps: OperationStep[],
  changes: Record<string, Partial<OperationStep>>,
  nowMs: number,
): OperationStep[] {
  const now = new Date(nowMs).toISOString();
  return steps.map(step => {
    const change = changes[step.id];
    if (!change) return step;
    const next = { ...step, ...change };
    if (change.status === 'running' && !step.startedAt) next.startedAt = now;
    if (change.status && DONE.includes(change.status)) {
      next.finishedAt = now;
      if (change.status !== 'skipped') next.startedAt = next.startedAt ?? now;
    }
    return next;
  });
}
