import tenants from './__fixtures__/tenants.json';
import {
  drillStatus,
  quarterStart,
  summarizeTenantKeys,
} from './summarizeTenantKeys';
import type { TenantKeys } from './types';

describe('summarizeTenantKeys', () => {
  it.each(tenants.map(t => [t.name, t] as const))('%s', (_name, fixture) => {
    expect(
      summarizeTenantKeys(
        fixture.tenant as TenantKeys,
        Date.parse(fixture.now),
      ),
    ).toEqual(fixture.item);
  });

  it('follows the policy it is given', () => {
    const tenant = tenants[0].tenant as TenantKeys;
    const now = Date.parse(tenants[0].now);
    const item = summarizeTenantKeys(tenant, now, {
      rotationDays: 60,
      dueSoonDays: 20,
    });
    expect(item).toMatchObject({ rotation: 'due-soon', daysToRotation: 12 });
    expect(
      summarizeTenantKeys(tenant, now, { rotationDays: 40, dueSoonDays: 5 }),
    ).toMatchObject({ rotation: 'overdue', daysToRotation: -8 });
  });
});

describe('drill quarters', () => {
  it('starts quarters on the first of January, April, July and October (UTC)', () => {
    expect(
      new Date(quarterStart(Date.parse('2026-12-31T23:59:59Z'))).toISOString(),
    ).toBe('2026-10-01T00:00:00.000Z');
    expect(
      new Date(
        quarterStart(Date.parse('2026-01-15T00:00:00Z'), -1),
      ).toISOString(),
    ).toBe('2025-10-01T00:00:00.000Z');
    expect(
      new Date(
        quarterStart(Date.parse('2026-05-01T00:00:00Z'), 1),
      ).toISOString(),
    ).toBe('2026-07-01T00:00:00.000Z');
  });

  it('is current in the quarter, due in the next, overdue after', () => {
    const drill = Date.parse('2026-04-01T00:00:00Z');
    expect(drillStatus(drill, Date.parse('2026-06-30T23:59:59Z'))).toBe(
      'current',
    );
    expect(drillStatus(drill, Date.parse('2026-07-01T00:00:00Z'))).toBe('due');
    expect(drillStatus(drill, Date.parse('2026-10-01T00:00:00Z'))).toBe(
      'overdue',
    );
    expect(drillStatus(undefined, Date.parse('2026-10-01T00:00:00Z'))).toBe(
      'overdue',
    );
  });
});
