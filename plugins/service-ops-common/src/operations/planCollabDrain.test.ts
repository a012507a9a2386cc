import { planCollabDrain } from './planCollabDrain';

const pods = [
  { name: 'collab-b', ready: true, createdAt: '2026-12-01T10:00:00Z' },
  { name: 'collab-a', ready: true, createdAt: '2026-12-01T11:00:00Z' },
  { name: 'collab-c', ready: false, createdAt: '2026-12-01T12:00:00Z' },
];

describe('planCollabDrain', () => {
  it('evicts pods that are not Ready first, then the oldest, after the notice', () => {
    const plan = planCollabDrain({
      pods,
      sessions: new Map([
        ['collab-a', 120],
        ['collab-b', 80],
      ]),
      noticeSeconds: 300,
      replacementSeconds: 45,
      disruptionsAllowed: 1,
      desired: 3,
    });
    expect(plan.pods).toEqual([
      { name: 'collab-c', ready: false },
      { name: 'collab-b', ready: true, sessions: 80 },
      { name: 'collab-a', ready: true, sessions: 120 },
    ]);
    expect(plan.estimatedSeconds).toBe(300 + 3 * 45);
    expect(plan.warnings).toEqual([
      "only 2 of 3 pods are Ready: the others' clients have fewer pods to move to",
      '200 connected session(s) will be asked to move within 300 s',
    ]);
    expect(plan.unknown).toEqual([]);
  });

  it('drains only the chosen pods and names the ones that do not exist', () => {
    const plan = planCollabDrain({
      pods,
      chosen: ['collab-a', 'collab-x'],
      sessions: new Map(),
      noticeSeconds: 60,
      replacementSeconds: 30,
      disruptionsAllowed: 0,
      desired: 3,
    });
    expect(plan.pods.map(p => p.name)).toEqual(['collab-a']);
    expect(plan.unknown).toEqual(['collab-x']);
    expect(plan.estimatedSeconds).toBe(90);
    expect(plan.warnings[0]).toMatch(
      /PodDisruptionBudget allows no disruption/,
    );
  });

  it('warns when every pod goes and at most one is Ready', () => {
    const plan = planCollabDrain({
      pods: [{ name: 'only', ready: true }],
      sessions: new Map(),
      noticeSeconds: 300,
      replacementSeconds: 30,
      desired: 1,
    });
    expect(plan.warnings).toContain(
      'every pod is drained and at most one is Ready: clients may have nowhere to reconnect until the replacements are Ready',
    );
  });

  it('plans nothing when there are no pods', () => {
    const plan = planCollabDrain({
      pods: [],
      sessions: new Map(),
      noticeSeconds: 300,
      replacementSeconds: 30,
      desired: 2,
    });
    expect(plan).toMatchObject({ pods: [], estimatedSeconds: 0 });
    expect(plan.warnings).toContain('there are no pods to drain');
  });
});
