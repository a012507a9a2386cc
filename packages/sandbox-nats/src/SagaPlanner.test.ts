import { SagaPlanner, TENANTS } from './SagaPlanner';

const REGIONS = ['us', 'eu', 'me', 'ap'];

describe('SagaPlanner', () => {
  it('stalls about one saga in ten at each step and fails about three in a hundred', () => {
    const planner = new SagaPlanner({ regions: REGIONS, seed: 42 });
    const counts: Record<string, number> = {};
    const runs = 20_000;
    for (let i = 0; i < runs; i++) {
      const { outcome } = planner.next();
      counts[outcome] = (counts[outcome] ?? 0) + 1;
    }
    expect(counts['stall-before-build'] / runs).toBeCloseTo(0.1, 1);
    expect(counts['stall-before-catalog'] / runs).toBeCloseTo(0.1, 1);
    expect(counts.fail / runs).toBeGreaterThan(0.02);
    expect(counts.fail / runs).toBeLessThan(0.04);
    expect(counts.complete / runs).toBeCloseTo(0.77, 1);
  });

  it('repeats the same sagas for the same seed, with fresh ids', () => {
    const shape = (seed: number) => {
      const planner = new SagaPlanner({ regions: REGIONS, seed });
      return Array.from({ length: 50 }, () => planner.next());
    };
    const [a, b, c] = [shape(42), shape(42), shape(43)];
    const strip = (plans: typeof a) =>
      plans.map(({ publishId, draftId, playPackageId, ...rest }) => rest);
    expect(strip(a)).toEqual(strip(b));
    expect(strip(a)).not.toEqual(strip(c));
    expect(a[0].publishId).not.toEqual(b[0].publishId);
  });

  it('keeps a tenant in its home region, gives a failure a reason, and counts versions per course', () => {
    const planner = new SagaPlanner({ regions: ['eu', 'ap'], seed: 1 });
    const plans = Array.from({ length: 500 }, () => planner.next());
    for (const plan of plans) {
      expect(TENANTS[plan.homeRegion]).toContain(plan.tenantId);
      expect(plan.courseId.startsWith(`${plan.tenantId}-course-`)).toBe(true);
      expect(plan.reason !== undefined).toBe(plan.outcome === 'fail');
    }
    expect(new Set(plans.map(p => p.homeRegion))).toEqual(
      new Set(['eu', 'ap']),
    );
    const versions = plans
      .filter(p => p.courseId === plans[0].courseId)
      .map(p => p.courseVersion);
    expect(versions.slice(0, 3)).toEqual(['1.1', '1.2', '1.3']);
  });
});
