import { latencies, percentile } from './stats';

describe('percentile', () => {
  it('takes the nearest rank, whatever the order of the values', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarises latencies as n, p50 and p95', () => {
    expect(latencies([3, 1, 2, 10])).toEqual({ n: 4, p50: 2, p95: 10 });
  });
});
