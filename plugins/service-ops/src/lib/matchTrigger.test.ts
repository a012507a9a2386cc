import type { DeclaredTrigger } from '@internal/backstage-plugin-service-ops-common';
import { matchTrigger, unmatchedTriggers } from './matchTrigger';

const trigger = (
  metric: string,
  basis: DeclaredTrigger['basis'],
  threshold: number,
): DeclaredTrigger => ({
  metric,
  metricText: metric,
  comparison: '>',
  threshold,
  basis,
});

const cpu = trigger('cpu', 'percent', 60);
const editors = trigger('active-editors', 'perPod', 100);
const queue = trigger('queue-depth', 'total', 50);

describe('matchTrigger', () => {
  it('matches Resource, Pods and KEDA External metric names', () => {
    const triggers = [cpu, editors, queue];
    expect(matchTrigger({ name: 'cpu' }, triggers)).toBe(cpu);
    expect(matchTrigger({ name: 'active_editors' }, triggers)).toBe(editors);
    expect(
      matchTrigger(
        { name: 's0-nats-jetstream-content-builder-queue-depth' },
        triggers,
      ),
    ).toBe(queue);
  });

  it('does not match a metric the document does not declare', () => {
    expect(matchTrigger({ name: 'memory' }, [cpu, queue])).toBeUndefined();
  });

  it('lists declared triggers no metric implements', () => {
    expect(unmatchedTriggers([{ name: 'cpu' }], [cpu, editors])).toEqual([
      editors,
    ]);
  });
});
