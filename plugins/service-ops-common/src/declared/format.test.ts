import {
  describeQuantity,
  describeTrigger,
  formatBytes,
  formatCores,
} from './format';

describe('format', () => {
  it('spells out quantities', () => {
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytes(512 * 2 ** 20)).toBe('512 MiB');
    expect(formatBytes(100)).toBe('100 B');
    expect(formatCores(0.5)).toBe('0.5 cores');
    expect(formatCores(1)).toBe('1 core');
    expect(describeQuantity({ text: '2000m', value: 2 }, 'cpu')).toBe(
      '2000m (2 cores)',
    );
    expect(
      describeQuantity({ text: '1.5Gi', value: 1610612736 }, 'memory'),
    ).toBe('1.5Gi (1.5 GiB)');
  });

  it('says how a threshold is meant', () => {
    const base = {
      metric: 'cpu',
      metricText: 'CPU',
      comparison: '>' as const,
      threshold: 60,
    };
    expect(describeTrigger({ ...base, basis: 'percent' })).toBe(
      'CPU > 60% of request',
    );
    expect(
      describeTrigger({
        ...base,
        metricText: 'active-editors',
        threshold: 100,
        basis: 'perPod',
      }),
    ).toBe('active-editors > 100 per pod');
    expect(
      describeTrigger({
        ...base,
        metricText: 'outbox backlog',
        threshold: 5000,
        basis: 'total',
      }),
    ).toBe('outbox backlog > 5000 in total');
  });
});
