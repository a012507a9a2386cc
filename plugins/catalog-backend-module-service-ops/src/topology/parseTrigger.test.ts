import { parseTriggers } from './parseTrigger';

describe('parseTriggers', () => {
  it('reads a utilization percentage', () => {
    expect(parseTriggers('CPU > 60%')).toEqual([
      {
        metric: 'cpu',
        metricText: 'CPU',
        comparison: '>',
        threshold: 60,
        basis: 'percent',
      },
    ]);
  });

  it('reads two alternatives joined by "or", one per pod', () => {
    expect(parseTriggers('CPU > 60% or active-editors > 100/pod')).toEqual([
      {
        metric: 'cpu',
        metricText: 'CPU',
        comparison: '>',
        threshold: 60,
        basis: 'percent',
      },
      {
        metric: 'active-editors',
        metricText: 'active-editors',
        comparison: '>',
        threshold: 100,
        basis: 'perPod',
      },
    ]);
  });

  it('reads multi-word metrics and totals', () => {
    expect(parseTriggers('active WS connections > 500/pod')[0]).toMatchObject({
      metric: 'active-ws-connections',
      threshold: 500,
      basis: 'perPod',
    });
    expect(parseTriggers('outbox backlog > 5000')[0]).toMatchObject({
      metric: 'outbox-backlog',
      threshold: 5000,
      basis: 'total',
    });
    expect(parseTriggers('AI request queue > 200')[0]).toMatchObject({
      metric: 'ai-request-queue',
      basis: 'total',
    });
  });

  it('keeps a parenthetical note', () => {
    expect(
      parseTriggers('queue depth > 200 (bursty on enrollment spikes)'),
    ).toEqual([
      {
        metric: 'queue-depth',
        metricText: 'queue depth',
        comparison: '>',
        threshold: 200,
        basis: 'total',
        note: 'bursty on enrollment spikes',
      },
    ]);
  });

  it('accepts >= and a space before /pod', () => {
    expect(parseTriggers('sessions >= 10 / pod')[0]).toMatchObject({
      comparison: '>=',
      basis: 'perPod',
    });
  });

  it('names the part it cannot read', () => {
    expect(() => parseTriggers('CPU > 60% or when busy')).toThrow(
      "cannot read HPA trigger 'when busy'",
    );
    expect(() => parseTriggers('')).toThrow('the HPA trigger is empty');
    expect(() => parseTriggers('CPU > sixty')).toThrow(
      "cannot read HPA trigger 'CPU > sixty'",
    );
  });
});
