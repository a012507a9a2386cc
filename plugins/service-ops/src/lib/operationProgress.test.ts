import {
  buildEvictingOperation,
  buildFailedOperation,
  buildSucceededOperation,
  buildWaitingOperation,
} from '../__fixtures__/operations';
import {
  formatSeconds,
  operationProgress,
  operationSeconds,
  secondsUntilNoticeEnds,
} from './operationProgress';

describe('operation progress', () => {
  it('counts finished steps of all steps', () => {
    // notify, wait, three evictions, verify
    expect(operationProgress(buildWaitingOperation())).toEqual({
      done: 1,
      total: 6,
      percent: 17,
    });
    expect(operationProgress(buildEvictingOperation())).toEqual({
      done: 3,
      total: 6,
      percent: 50,
    });
    expect(operationProgress(buildFailedOperation())).toEqual({
      done: 3,
      total: 6,
      percent: 50,
    });
    expect(operationProgress(buildSucceededOperation())).toEqual({
      done: 6,
      total: 6,
      percent: 100,
    });
  });

  it('writes seconds as the page does', () => {
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(44.6)).toBe('45 s');
    expect(formatSeconds(300)).toBe('5 min');
    expect(formatSeconds(312)).toBe('5 min 12 s');
    expect(formatSeconds(3780)).toBe('1 h 3 min');
    expect(formatSeconds(7200)).toBe('2 h');
  });

  it('measures a running operation until now and a final one until its end', () => {
    const waiting = buildWaitingOperation({
      createdAt: '2026-11-20T10:00:00.000Z',
    });
    expect(
      operationSeconds(waiting, Date.parse('2026-11-20T10:01:01.000Z')),
    ).toBe(60);
    const done = buildSucceededOperation();
    expect(operationSeconds(done, Date.now())).toBe(511);
  });

  it('counts down to the end of the notice while the operation waits', () => {
    const waiting = buildWaitingOperation({
      createdAt: '2026-11-20T10:00:00.000Z',
    });
    // notified at 10:00:01 with a 300 s notice; the executor wakes up every 5 s
    expect(waiting.waitingUntil).toBe('2026-11-20T10:01:05.000Z');
    expect(
      secondsUntilNoticeEnds(waiting, Date.parse('2026-11-20T10:04:00.500Z')),
    ).toBe(61);
    expect(
      secondsUntilNoticeEnds(waiting, Date.parse('2026-11-20T10:06:00.000Z')),
    ).toBe(0);
    // without the notify step's start, the executor's wake-up is all there is
    expect(
      secondsUntilNoticeEnds(
        {
          ...waiting,
          steps: waiting.steps.map(step =>
            step.id === 'notify' ? { ...step, startedAt: undefined } : step,
          ),
        },
        Date.parse('2026-11-20T10:01:00.000Z'),
      ),
    ).toBe(5);
    // the deadline the pods were given, when the wait step carries it
    expect(
      secondsUntilNoticeEnds(
        {
          ...waiting,
          steps: waiting.steps.map(step =>
            step.id === 'wait'
              ? { ...step, until: '2026-11-20T10:02:30.000Z' }
              : step,
          ),
        },
        Date.parse('2026-11-20T10:02:00.000Z'),
      ),
    ).toBe(30);
    expect(
      secondsUntilNoticeEnds(buildEvictingOperation(), Date.now()),
    ).toBeUndefined();
    expect(
      secondsUntilNoticeEnds(
        { ...waiting, state: 'cancelled' },
        Date.parse('2026-11-20T10:04:00.000Z'),
      ),
    ).toBeUndefined();
  });
});
