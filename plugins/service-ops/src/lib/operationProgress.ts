import {
  isFinalOperationState,
  Operation,
  OperationState,
  OperationStepStatus,
} from '@internal/backstage-plugin-service-ops-common';

const DONE: OperationStepStatus[] = ['succeeded', 'failed', 'skipped'];

/** Words for an operation's state. */
export const OPERATION_STATE_LABELS: Record<OperationState, string> = {
  'awaiting-approval': 'awaiting approval',
  pending: 'pending',
  running: 'running',
  cancelling: 'cancelling',
  succeeded: 'succeeded',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The MUI colour of an operation's state chip. */
export function operationStateColor(
  state: OperationState,
): 'default' | 'info' | 'warning' | 'success' | 'error' {
  switch (state) {
    case 'running':
      return 'info';
    case 'cancelling':
    case 'awaiting-approval':
      return 'warning';
    case 'succeeded':
      return 'success';
    case 'failed':
      return 'error';
    default:
      return 'default';
  }
}

/** How far an operation is: its finished steps of all steps, and that as a percentage. */
export function operationProgress(operation: Operation): {
  done: number;
  total: number;
  percent: number;
} {
  const total = operation.steps.length;
  const done = operation.steps.filter(s => DONE.includes(s.status)).length;
  if (operation.state === 'succeeded' || total === 0) {
    return { done, total, percent: 100 };
  }
  return { done, total, percent: Math.round((done / total) * 100) };
}

/** A number of seconds in words: `0 s`, `45 s`, `5 min`, `5 min 12 s`, `1 h 3 min`. */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  if (minutes < 60) return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  return restMinutes ? `${hours} h ${restMinutes} min` : `${hours} h`;
}

/**
 * How long an operation ran: from its start (or creation) to its end, or to `now`
 * while it is not final.
 */
export function operationSeconds(operation: Operation, now: number): number {
  const from = Date.parse(operation.startedAt ?? operation.createdAt);
  const to = operation.finishedAt ? Date.parse(operation.finishedAt) : now;
  return Math.max(0, (to - from) / 1000);
}

/**
 * When the notice of a drain ends (its first eviction may happen), while it waits for
 * it: the wait step's `until`, the deadline the pods were given. For a drain recorded
 * without it, the notice began when the notify step started and lasts the operation's
 * `noticeSeconds`; `waitingUntil` alone is the executor's next wake-up, which during a
 * long notice comes every few seconds, so the later of the two is taken.
 */
export function noticeEndsAt(operation: Operation): number | undefined {
  if (isFinalOperationState(operation.state)) return undefined;
  const wait = operation.steps.find(s => s.id === 'wait');
  if (wait?.status !== 'running') return undefined;
  if (wait.until) return Date.parse(wait.until);
  const candidates: number[] = [];
  const notify = operation.steps.find(s => s.id === 'notify');
  const notice =
    'noticeSeconds' in operation.parameters
      ? operation.parameters.noticeSeconds
      : undefined;
  if (notify?.startedAt && notice !== undefined) {
    candidates.push(Date.parse(notify.startedAt) + notice * 1000);
  }
  if (operation.waitingUntil)
    candidates.push(Date.parse(operation.waitingUntil));
  return candidates.length ? Math.max(...candidates) : undefined;
}

/** Whole seconds from `now` until the notice ends, while the drain waits for it. */
export function secondsUntilNoticeEnds(
  operation: Operation,
  now: number,
): number | undefined {
  const end = noticeEndsAt(operation);
  if (end === undefined) return undefined;
  return Math.max(0, Math.ceil((end - now) / 1000));
}
