import { itemsPerMessage, workerSpec, workStreamSpec } from './topology';

const queue = (name: string, container: string, peakArrival: number) => ({
  name,
  container,
  peakArrival,
});

describe('itemsPerMessage', () => {
  it('weighs busy queues so that the peak stays within the message budget, and leaves slow ones at one', () => {
    const at30 = (peakArrival: number) =>
      itemsPerMessage({
        queue: queue('q', 'c', peakArrival),
        acceleration: 30,
        messagesPerSecond: 20,
      });
    // The sandbox fleet's queues (LoadModel): arrival at the us peak, items/s.
    expect(at30(300)).toBe(450); // authoring-worker outbox
    expect(at30(250)).toBe(375); // content-outbox-relay outbox
    expect(at30(20)).toBe(30); // AI request queue, content-bundler
    expect(at30(1.5)).toBe(3); // content-builder
    expect(at30(0.3)).toBe(1); // content-exporter
    expect(at30(0.1)).toBe(1); // content-scorm-importer
  });
});

describe('work queues', () => {
  it('are named after the KEDA trigger, per region, with the worker the trigger names', () => {
    const builder = queue(
      'content-builder-queue-depth',
      'content-builder',
      1.5,
    );
    expect(
      workStreamSpec({ queue: builder, region: 'eu', itemsPerMessage: 3 }),
    ).toMatchObject({
      name: 'content-builder-queue-depth-eu',
      subjects: ['work.eu.content-builder-queue-depth'],
      retention: 'workqueue',
      description: expect.stringContaining('1 message = 3 items'),
    });
    expect(workerSpec(builder, 'eu')).toMatchObject({
      stream: 'content-builder-queue-depth-eu',
      name: 'content-builder-worker',
      maxDeliver: 5,
    });
  });
});
