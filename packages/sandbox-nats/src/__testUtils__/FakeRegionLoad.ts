import type { RegionLoad, TrafficQueue } from '../types';

/** The queues the traffic needs, with arrivals small enough that a message is one item. */
export const TEST_QUEUES: TrafficQueue[] = [
  {
    name: 'authoring-worker-outbox-backlog',
    container: 'authoring-worker',
    peakArrival: 1,
  },
  {
    name: 'content-outbox-relay-outbox-backlog',
    container: 'content-outbox-relay',
    peakArrival: 1,
  },
  {
    name: 'content-builder-queue-depth',
    container: 'content-builder',
    peakArrival: 1,
  },
  {
    name: 'content-bundler-queue-depth',
    container: 'content-bundler',
    peakArrival: 1,
  },
];

/**
 * A region whose arrivals and Ready pods the test sets: `arrival` in items per simulated
 * second, `pods` Ready pods, each working `perPod` items per simulated second.
 */
export class FakeRegionLoad implements RegionLoad {
  readonly arrival: Record<string, number> = {};
  readonly pods: Record<string, number> = {};
  readonly perPod: Record<string, number> = {};

  constructor(readonly region: string) {}

  arrivalRate(queue: string): number {
    return this.arrival[queue] ?? 0;
  }

  drainRate(queue: string): number {
    return (this.pods[queue] ?? 0) * (this.perPod[queue] ?? 0);
  }

  /** Every queue worked at `perSecond` items per simulated second. */
  static fast(region: string, perSecond = 1000): FakeRegionLoad {
    const load = new FakeRegionLoad(region);
    for (const queue of TEST_QUEUES) {
      load.pods[queue.name] = 1;
      load.perPod[queue.name] = perSecond;
    }
    return load;
  }
}
