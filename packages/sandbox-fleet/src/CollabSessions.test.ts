import { findType, ManualClock, ObjectStore } from '@internal/k8s-emulator';
import { CollabSessions } from './CollabSessions';

const PODS = findType('', 'v1', 'pods')!;
const MINUTE = 60_000;

describe('CollabSessions', () => {
  let store: ObjectStore;
  let clock: ManualClock;
  let total: number;
  let sessions: CollabSessions;

  const addPod = (name: string, ready = true, app = 'authoring-collab') =>
    store.create(PODS, {
      metadata: { name, namespace: 'authoring', labels: { app } },
      spec: {},
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      },
    });
  const setReady = (name: string) => {
    const pod = store.mustGet(PODS, 'authoring', name);
    pod.status = {
      ...pod.status,
      conditions: [{ type: 'Ready', status: 'True' }],
    };
    store.update(PODS, pod, { subresource: 'status' });
  };
  const counts = () =>
    Object.fromEntries(sessions.distribution().map(p => [p.pod, p.sessions]));
  const sum = () => sessions.distribution().reduce((n, p) => n + p.sessions, 0);
  /** A notice whose deadline is `minutes` of wall-clock time away (1:1 on the manual clock). */
  const notice = (pod: string, minutes = 5, operationId = 'op-1') =>
    sessions.drain({
      operationId,
      pod,
      deadline: Date.now() + minutes * MINUTE,
      reason: 'patch',
    });

  beforeEach(() => {
    store = new ObjectStore();
    clock = new ManualClock();
    total = 1000;
    sessions = new CollabSessions({
      region: 'eu',
      store,
      clock,
      acceleration: 1,
      total: () => total,
    });
    addPod('collab-a');
    addPod('collab-b');
    addPod('collab-c');
    addPod('collab-d', false);
    addPod('api-1', true, 'authoring-api');
  });

  it('spreads the total over the Ready pods in whole sessions, the remainder to the first by name', () => {
    expect(counts()).toEqual({
      'collab-a': 334,
      'collab-b': 333,
      'collab-c': 333,
      'collab-d': 0,
    });
    expect(sessions.sessions('api-1')).toBe(0);
  });

  it('moves a draining pod linearly to 0 by the deadline, onto the others, conserving the total', () => {
    const accepted = notice('collab-b');
    expect(accepted).toEqual({
      accepted: true,
      sessions: 333,
      deadline: expect.any(Number),
    });
    const seen: number[] = [];
    for (let minute = 1; minute <= 6; minute++) {
      clock.advance(MINUTE);
      seen.push(sessions.sessions('collab-b'));
      expect(sum()).toBe(1000);
    }
    // 333 x 4/5, 3/5, ... (a few real ms have passed since the notice), then 0 and 0
    expect(seen.slice(0, 4).map(n => Math.round(n / 10))).toEqual([
      27, 20, 13, 7,
    ]);
    expect(seen.slice(4)).toEqual([0, 0]);
    expect(counts()).toMatchObject({ 'collab-a': 500, 'collab-c': 500 });
    // The total follows the day; the drained pod stays empty.
    total = 1200;
    expect(counts()).toMatchObject({
      'collab-a': 600,
      'collab-b': 0,
      'collab-c': 600,
    });
  });

  it('accepts a repeat under the same operation idempotently, and keeps the sooner deadline of another', () => {
    const first = notice('collab-a', 10);
    clock.advance(5 * MINUTE);
    const half = sessions.sessions('collab-a');
    expect(half).toBeGreaterThan(160);
    expect(half).toBeLessThanOrEqual(167);
    // Same operation, another deadline: nothing changes.
    expect(notice('collab-a', 1)).toEqual({
      accepted: true,
      sessions: half,
      deadline: first.accepted && first.deadline,
    });
    // Another operation, a later deadline: the earlier one holds.
    expect(notice('collab-a', 30, 'op-2')).toMatchObject({
      deadline: first.accepted && first.deadline,
    });
    // Another operation, a sooner deadline: from where it is now, to 0 by that one.
    const sooner = notice('collab-a', 1, 'op-3');
    expect(sooner).toMatchObject({ accepted: true, sessions: half });
    expect(sooner.accepted && first.accepted && sooner.deadline).toBeLessThan(
      first.accepted ? first.deadline : 0,
    );
    clock.advance(MINUTE / 2);
    expect(sessions.sessions('collab-a')).toBeGreaterThan(half / 2 - 3);
    expect(sessions.sessions('collab-a')).toBeLessThan(half / 2 + 3);
    clock.advance(MINUTE / 2);
    expect(sessions.sessions('collab-a')).toBe(0);
    expect(sessions.distribution()[0].draining?.operations).toEqual([
      'op-1',
      'op-2',
      'op-3',
    ]);
  });

  it('gives a cancelled pod its share again, unless another operation still holds it', () => {
    notice('collab-c');
    notice('collab-c', 20, 'op-2');
    clock.advance(5 * MINUTE);
    expect(sessions.sessions('collab-c')).toBe(0);
    expect(
      sessions.cancelDrain({ operationId: 'op-x', pod: 'collab-c' }),
    ).toEqual({ accepted: true, cancelled: false, sessions: 0 });
    // op-1 withdrawn: op-2 still drains it, by its own deadline, from where it is (0).
    expect(
      sessions.cancelDrain({ operationId: 'op-1', pod: 'collab-c' }),
    ).toEqual({ accepted: true, cancelled: true, sessions: 0 });
    expect(
      sessions.cancelDrain({ operationId: 'op-2', pod: 'collab-c' }),
    ).toEqual({ accepted: true, cancelled: true, sessions: 333 });
    expect(counts()).toEqual({
      'collab-a': 334,
      'collab-b': 333,
      'collab-c': 333,
      'collab-d': 0,
    });
    expect(
      sessions.cancelDrain({ operationId: 'op-2', pod: 'collab-c' }),
    ).toMatchObject({ cancelled: false });
  });

  it('refuses unknown and unready pods, and drains at once to a deadline already past', () => {
    expect(notice('collab-zz')).toEqual({
      accepted: false,
      code: 'unknown-pod',
      message:
        'eu runs no authoring-collab pod named collab-zz (namespace authoring)',
    });
    expect(notice('api-1')).toMatchObject({
      accepted: false,
      code: 'unknown-pod',
    });
    expect(
      sessions.cancelDrain({ operationId: 'op-1', pod: 'nope' }),
    ).toMatchObject({
      accepted: false,
      code: 'unknown-pod',
    });
    expect(notice('collab-d')).toMatchObject({
      accepted: false,
      code: 'not-ready',
    });
    expect(notice('collab-a', -1)).toEqual({
      accepted: true,
      sessions: 0,
      deadline: expect.any(Number),
    });
    expect(counts()).toMatchObject({ 'collab-b': 500, 'collab-c': 500 });
  });

  it('lets the clients that left wait while every Ready pod drains, and a replacement share once Ready', () => {
    for (const pod of ['collab-a', 'collab-b', 'collab-c']) notice(pod);
    clock.advance(5 * MINUTE);
    expect(sum()).toBe(0);
    setReady('collab-d');
    expect(counts()).toEqual({
      'collab-a': 0,
      'collab-b': 0,
      'collab-c': 0,
      'collab-d': 1000,
    });
    // The drained pods go (evicted); their drains end with them.
    for (const pod of ['collab-a', 'collab-b'])
      store.delete(PODS, 'authoring', pod);
    addPod('collab-e', false);
    expect(counts()).toEqual({
      'collab-c': 0,
      'collab-d': 1000,
      'collab-e': 0,
    });
    setReady('collab-e');
    expect(counts()).toEqual({
      'collab-c': 0,
      'collab-d': 500,
      'collab-e': 500,
    });
  });

  it('places the wall-clock deadline on an accelerated clock', () => {
    const fast = new CollabSessions({
      region: 'eu',
      store,
      clock,
      acceleration: 30,
      total: () => total,
    });
    fast.drain({
      operationId: 'op-1',
      pod: 'collab-a',
      deadline: Date.now() + 10_000,
      reason: '',
    });
    // 10 real seconds are 300 simulated ones at x30.
    clock.advance(150_000);
    expect(fast.sessions('collab-a')).toBeGreaterThan(160);
    clock.advance(150_000);
    expect(fast.sessions('collab-a')).toBe(0);
  });
});
