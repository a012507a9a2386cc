import { ObjectStore } from '@internal/k8s-emulator';
import { LoadModel } from './LoadModel';

const START = Date.parse('2026-11-22T12:00:00Z');
const METRIC = 's0-nats-jetstream-content-builder-queue-depth';

function model() {
  const load = new LoadModel('eu', 42, START);
  load.attach(new ObjectStore());
  return load;
}

describe('LoadModel backlogs', () => {
  it('integrates its own backlog: it grows while no worker is ready', () => {
    const load = model();
    expect(load.externalMetric('content', METRIC, START)).toBe(0);
    const later = load.externalMetric('content', METRIC, START + 60_000)!;
    expect(later).toBeGreaterThan(0);
    expect(load.drainRate('content-builder-queue-depth')).toBe(0);
    expect(
      load.arrivalRate('content-builder-queue-depth', START),
    ).toBeGreaterThan(0);
  });

  it('answers what the backlog source (the NATS consumers) holds, and falls back when it is silent', () => {
    const load = model();
    let observed: number | undefined = 57;
    load.useBacklogSource(queue =>
      queue === 'content-builder-queue-depth' ? observed : undefined,
    );
    expect(load.externalMetric('content', METRIC, START)).toBe(57);
    observed = 12.4;
    expect(load.externalMetric('content', METRIC, START + 1000)).toBe(12);

    // NATS stops answering: the model carries on from the last observed value.
    observed = undefined;
    const fallback = load.externalMetric('content', METRIC, START + 61_000)!;
    expect(fallback).toBeGreaterThan(12);
  });

  it('knows nothing of metrics that are not its queues', () => {
    expect(model().externalMetric('content', 's0-cpu', START)).toBeUndefined();
    expect(model().arrivalRate('nope', START)).toBe(0);
  });
});
