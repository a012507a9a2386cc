import {
  collabDrainCancelSubject,
  collabDrainSubject,
} from './collabDrainContract';
import {
  EVENT_STREAMS,
  itemsPerMessage,
  SUBJECTS,
  workerSpec,
  workStreamSpec,
} from './topology';

/** NATS subject matching: `*` one token, `>` the rest. */
function matches(filter: string, subject: string): boolean {
  const f = filter.split('.');
  const s = subject.split('.');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '>') return s.length > i;
    if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
  }
  return f.length === s.length;
}

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

describe('event streams', () => {
  const streamsOf = (subject: string) =>
    EVENT_STREAMS.filter(stream =>
      stream.subjects.some(filter => matches(filter, subject)),
    ).map(stream => stream.name);

  it('keep every event subject of the contract, each in one stream', () => {
    expect(
      Object.fromEntries(
        Object.values(SUBJECTS).map(subject => [subject, streamsOf(subject)]),
      ),
    ).toEqual({
      'authoring.course_draft.published.v1': ['AUTHORING_EVENTS'],
      'authoring.publish_saga.compensated.v1': ['AUTHORING_EVENTS'],
      'content.play_package.built.v1': ['CONTENT_EVENTS'],
      'content.play_package.build_failed.v1': ['CONTENT_EVENTS'],
      'content.play_package.bundle.published.v1': ['CONTENT_EVENTS'],
      'catalog.course_version.published.v1': ['CATALOG_EVENTS'],
      'enrollment.created.v1': ['ENROLLMENT_EVENTS'],
    });
  });

  it('leave the collab drain requests alone (a stream would ack them before the pod answers)', () => {
    for (const subject of [
      collabDrainSubject('us', 'authoring-collab-5d8f9-x2kqp'),
      collabDrainCancelSubject('ap', 'authoring-collab-5d8f9-x2kqp'),
    ]) {
      expect(streamsOf(subject)).toEqual([]);
    }
  });
});
