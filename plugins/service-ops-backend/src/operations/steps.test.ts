import { OperationStep } from '@internal/backstage-plugin-service-ops-common';
import { mergeSteps } from './steps';

const AT = Date.parse('2026-12-01T10:00:00.000Z');
const steps: OperationStep[] = [
  { id: 'a', title: 'A', status: 'pending' },
  {
    id: 'b',
    title: 'B',
    status: 'running',
    startedAt: '2026-12-01T09:59:00.000Z',
  },
  { id: 'c', title: 'C', status: 'pending' },
  { id: 'd', title: 'D', status: 'pending' },
];

describe('mergeSteps', () => {
  it('times the steps it starts and ends, and leaves the others as they are', () => {
    const merged = mergeSteps(
      steps,
      {
        a: { status: 'running', detail: 'working' },
        b: { status: 'succeeded' },
        c: { status: 'skipped', detail: 'cancelled' },
        d: { status: 'failed' },
      },
      AT,
    );
    expect(merged).toEqual([
      {
        id: 'a',
        title: 'A',
        status: 'running',
        detail: 'working',
        startedAt: '2026-12-01T10:00:00.000Z',
      },
      {
        id: 'b',
        title: 'B',
        status: 'succeeded',
        startedAt: '2026-12-01T09:59:00.000Z',
        finishedAt: '2026-12-01T10:00:00.000Z',
      },
      {
        id: 'c',
        title: 'C',
        status: 'skipped',
        detail: 'cancelled',
        finishedAt: '2026-12-01T10:00:00.000Z',
      },
      {
        id: 'd',
        title: 'D',
        status: 'failed',
        startedAt: '2026-12-01T10:00:00.000Z',
        finishedAt: '2026-12-01T10:00:00.000Z',
      },
    ]);
    expect(mergeSteps(steps, {}, AT)).toEqual(steps);
  });
});
