import { connect, NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, JetStreamManager } from '@nats-io/jetstream';
import { AcceleratedClock, ManualClock } from '@internal/k8s-emulator';
import { NatsTraffic, NatsTrafficOptions } from './NatsTraffic';
import { EVENT_STREAMS, SUBJECTS } from './topology';
import { startNatsServer, TestNatsServer } from './testing/natsServer';
import { FakeRegionLoad, TEST_QUEUES } from './__testUtils__/FakeRegionLoad';

const BUILDER = 'content-builder-queue-depth';
const QUIET = {
  sagaEverySeconds: 1e6,
  poisonEverySeconds: 1e6,
  badSagaEverySeconds: 1e6,
};

interface StoredEvent {
  stream: string;
  subject: string;
  seq: number;
  time: number;
  text: string;
}

/** Every message of the event streams, by stream order then time. */
async function readEvents(jsm: JetStreamManager): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (const { name } of EVENT_STREAMS) {
    const info = await jsm.streams.info(name);
    if (!info.state.messages) continue;
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await jsm.streams.getMessage(name, { seq });
      if (message) {
        events.push({
          stream: name,
          subject: message.subject,
          seq,
          time: message.time.getTime(),
          text: message.string(),
        });
      }
    }
  }
  return events.sort((a, b) => a.time - b.time);
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Subjects in order of publication, by publishId. */
function sagas(events: StoredEvent[]): Map<string, StoredEvent[]> {
  const byId = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const payload = parse(event.text);
    if (typeof payload?.publishId !== 'string' || !payload.occurredAt) continue;
    byId.set(payload.publishId, [
      ...(byId.get(payload.publishId) ?? []),
      event,
    ]);
  }
  return byId;
}

describe('NatsTraffic', () => {
  jest.setTimeout(120_000);
  let server: TestNatsServer;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let clock: ManualClock;
  const started: NatsTraffic[] = [];

  const start = async (options: Partial<NatsTrafficOptions>) => {
    const traffic = await NatsTraffic.start({
      servers: server.url,
      regions: [FakeRegionLoad.fast('us')],
      queues: TEST_QUEUES,
      clock,
      acceleration: 1,
      seed: 7,
      schedule: QUIET,
      ...options,
    });
    started.push(traffic);
    return traffic;
  };

  /** Moves the clock by `seconds` and ticks, `times` times. */
  const advance = async (traffic: NatsTraffic, seconds: number, times = 1) => {
    for (let i = 0; i < times; i++) {
      clock.advance(seconds * 1000);
      await traffic.tick();
    }
  };

  const backlog = async (stream: string, consumer: string) => {
    const info = await jsm.consumers.info(stream, consumer);
    return info.num_pending + info.num_ack_pending;
  };

  beforeEach(async () => {
    server = await startNatsServer();
    nc = await connect({ servers: server.url });
    jsm = await jetstreamManager(nc);
    clock = new ManualClock();
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map(t => t.stop()));
    await nc.close();
    await server.stop();
  });

  it('keeps an event stream per domain and a work queue with its worker per queue and region, and a second start changes nothing', async () => {
    const regions = [FakeRegionLoad.fast('us'), FakeRegionLoad.fast('eu')];
    regions[0].arrival[BUILDER] = 5;
    regions[0].pods[BUILDER] = 0;
    const first = await start({ regions });
    await advance(first, 1);

    const names: string[] = [];
    for await (const name of jsm.streams.names()) names.push(name);
    const work = ['us', 'eu'].flatMap(region =>
      TEST_QUEUES.map(q => `${q.name}-${region}`),
    );
    expect(names.sort()).toEqual(
      [...EVENT_STREAMS.map(s => s.name), ...work].sort(),
    );

    const events = await jsm.streams.info('CONTENT_EVENTS');
    expect(events.config).toMatchObject({
      subjects: ['content.play_package.>', 'content.signing_key.>'],
      retention: 'limits',
      max_age: 24 * 3600 * 1e9,
      max_bytes: 64 * 1024 * 1024,
    });
    const builder = await jsm.streams.info(`${BUILDER}-us`);
    expect(builder.config).toMatchObject({
      subjects: [`work.us.${BUILDER}`],
      retention: 'workqueue',
    });
    expect(builder.state.messages).toBe(5);
    const consumers = [];
    for await (const c of jsm.consumers.list(`${BUILDER}-us`)) {
      consumers.push(c);
    }
    expect(consumers).toHaveLength(1);
    expect(consumers[0].config).toMatchObject({
      durable_name: 'content-builder-worker',
      ack_policy: 'explicit',
      max_deliver: 5,
    });

    await first.stop();
    const second = await start({ regions });
    await advance(second, 0);
    const again = await jsm.streams.info(`${BUILDER}-us`);
    expect(again.created).toEqual(builder.created);
    expect(again.state.messages).toBe(5);
    expect(await backlog(`${BUILDER}-us`, 'content-builder-worker')).toBe(5);
  });

  it('publishes a completed saga as its three events, in order, under one publishId', async () => {
    const traffic = await start({
      schedule: { ...QUIET, sagaEverySeconds: 2, catalogDelaySeconds: 1 },
      odds: { stallBeforeBuild: 0, stallBeforeCatalog: 0, fail: 0 },
    });
    await advance(traffic, 1, 10);

    const byId = sagas(await readEvents(jsm));
    const complete = [...byId.values()].filter(e => e.length === 3);
    expect(complete.length).toBeGreaterThanOrEqual(2);
    for (const events of byId.values()) {
      expect(events.map(e => e.subject)).toEqual(
        [
          SUBJECTS.draftPublished,
          SUBJECTS.playPackageBuilt,
          SUBJECTS.courseVersionPublished,
        ].slice(0, events.length),
      );
    }
    const [draft, built, published] = complete[0].map(e => parse(e.text)!);
    expect(draft).toEqual({
      eventId: expect.any(String),
      occurredAt: expect.any(String),
      tenantId: expect.stringMatching(/^(acme-learning|globex-academy)$/),
      draftId: expect.any(String),
      courseId: expect.any(String),
      courseVersion: expect.any(String),
      homeRegion: 'us',
      publishId: expect.any(String),
    });
    expect(built).toEqual({
      eventId: expect.any(String),
      occurredAt: expect.any(String),
      tenantId: draft.tenantId,
      publishId: draft.publishId,
      courseId: draft.courseId,
      courseVersion: draft.courseVersion,
      playPackageId: expect.any(String),
      manifestUrl: expect.stringMatching(/^https:\/\/.+manifest\.json$/),
    });
    expect(published).toEqual({
      eventId: expect.any(String),
      occurredAt: expect.any(String),
      tenantId: draft.tenantId,
      publishId: draft.publishId,
      courseId: draft.courseId,
      courseVersion: draft.courseVersion,
    });
    expect(new Set([draft, built, published].map(e => e.eventId)).size).toBe(3);
  });

  it('lets sagas stall at each step, and compensates the ones whose build fails', async () => {
    const traffic = await start({
      schedule: { ...QUIET, sagaEverySeconds: 0.5, catalogDelaySeconds: 1 },
      odds: { stallBeforeBuild: 0.3, stallBeforeCatalog: 0.3, fail: 0.3 },
    });
    await advance(traffic, 1, 8);
    // A saga needs three ticks to finish; judge only those that have had five.
    const cutoff = Date.now();
    await advance(traffic, 1, 5);

    const shapes = [...sagas(await readEvents(jsm)).values()]
      .filter(events => events[0].time < cutoff)
      .map(events => events.map(e => e.subject).join(' -> '));
    expect(shapes.length).toBeGreaterThan(8);
    const stalledBeforeBuild = SUBJECTS.draftPublished;
    const stalledBeforeCatalog = `${SUBJECTS.draftPublished} -> ${SUBJECTS.playPackageBuilt}`;
    const compensated = `${SUBJECTS.draftPublished} -> ${SUBJECTS.buildFailed} -> ${SUBJECTS.sagaCompensated}`;
    const complete = `${stalledBeforeCatalog} -> ${SUBJECTS.courseVersionPublished}`;
    expect(shapes).toContain(stalledBeforeBuild);
    expect(shapes).toContain(stalledBeforeCatalog);
    expect(shapes).toContain(compensated);
    for (const shape of shapes) {
      expect([
        stalledBeforeBuild,
        stalledBeforeCatalog,
        complete,
        compensated,
      ]).toContain(shape);
    }
  });

  it('drains a queue at the pace of its Ready pods', async () => {
    const us = new FakeRegionLoad('us');
    us.arrival[BUILDER] = 100;
    us.perPod[BUILDER] = 10;
    for (const queue of TEST_QUEUES) {
      if (queue.name !== BUILDER) us.pods[queue.name] = 1;
      if (queue.name !== BUILDER) us.perPod[queue.name] = 1000;
    }
    const traffic = await start({ regions: [us] });
    const stream = `${BUILDER}-us`;
    const consumer = 'content-builder-worker';

    await advance(traffic, 1);
    expect(await backlog(stream, consumer)).toBe(100);

    us.arrival[BUILDER] = 0;
    us.pods[BUILDER] = 1;
    await advance(traffic, 1);
    expect(await backlog(stream, consumer)).toBe(90);
    expect(traffic.backlogItems('us', BUILDER)).toBe(90);

    us.pods[BUILDER] = 5;
    await advance(traffic, 1);
    expect(await backlog(stream, consumer)).toBe(40);

    await advance(traffic, 1);
    expect(await backlog(stream, consumer)).toBe(0);
    expect(traffic.backlogItems('us', BUILDER)).toBe(0);

    // Idle workers do not save up capacity: new work waits for the next second's pods.
    us.arrival[BUILDER] = 100;
    us.pods[BUILDER] = 1;
    await advance(traffic, 1, 3);
    expect(await backlog(stream, consumer)).toBe(3 * (100 - 10));
  });

  it('weighs messages so that a busy queue stays within its message budget', async () => {
    const us = FakeRegionLoad.fast('us');
    us.arrival[BUILDER] = 300;
    us.pods[BUILDER] = 0;
    const traffic = await start({
      regions: [us],
      queues: TEST_QUEUES.map(q =>
        q.name === BUILDER ? { ...q, peakArrival: 300 } : q,
      ),
      acceleration: 2,
      messagesPerSecond: 20,
    });
    await advance(traffic, 2);
    // 300 items/s x 2 s; one message stands for 300 x 2 / 20 = 30 items.
    expect(await backlog(`${BUILDER}-us`, 'content-builder-worker')).toBe(20);
    expect(traffic.backlogItems('us', BUILDER)).toBe(600);
    const info = await jsm.streams.info(`${BUILDER}-us`);
    expect(info.config.description).toContain('1 message = 30 items');
  });

  it('sends poison that a worker gives back until NATS reports MAX_DELIVERIES, and malformed saga payloads', async () => {
    const advisories: Array<Record<string, unknown>> = [];
    const sub = nc.subscribe('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>', {
      callback: (_error, message) => {
        advisories.push(message.json());
      },
    });
    await nc.flush();
    const us = new FakeRegionLoad('us');
    us.pods[BUILDER] = 1;
    us.perPod[BUILDER] = 1000;
    const traffic = await start({
      regions: [us],
      schedule: {
        ...QUIET,
        poisonEverySeconds: 1,
        badSagaEverySeconds: 1,
      },
    });
    // The first poison comes within 1.5 s (perhaps a second one); then not for a while.
    await advance(traffic, 1.5);
    const poisons = (await jsm.streams.info(`${BUILDER}-us`)).state.messages;
    expect(poisons).toBeGreaterThanOrEqual(1);
    // Advancing may send another poison: go on until every one in the stream was given up.
    const deadline = Date.now() + 90_000;
    let inStream = poisons;
    // NATS may advise before the worker has given back the last delivery (still ack
    // pending): go on until that one is given back too.
    while (
      (advisories.length < inStream ||
        (await backlog(`${BUILDER}-us`, 'content-builder-worker')) > 0) &&
      Date.now() < deadline
    ) {
      await advance(traffic, 0.01);
      inStream = (await jsm.streams.info(`${BUILDER}-us`)).state.messages;
    }
    sub.unsubscribe();
    expect(advisories[0]).toMatchObject({
      type: 'io.nats.jetstream.advisory.v1.max_deliver',
      stream: `${BUILDER}-us`,
      consumer: 'content-builder-worker',
      deliveries: 5,
    });
    // Poison stays in the stream, out of the worker's backlog once NATS gave it up (on a
    // busy machine more poison may still be on its way: that part is still in the backlog).
    expect(
      await backlog(`${BUILDER}-us`, 'content-builder-worker'),
    ).toBeLessThanOrEqual(inStream - advisories.length);
    expect((await jsm.streams.info(`${BUILDER}-us`)).state.messages).toBe(
      inStream,
    );

    const malformed = (await readEvents(jsm)).filter(
      e => parse(e.text) === undefined,
    );
    expect(malformed.length).toBeGreaterThanOrEqual(1);
    expect([
      SUBJECTS.draftPublished,
      SUBJECTS.playPackageBuilt,
      SUBJECTS.courseVersionPublished,
    ]).toContain(malformed[0].subject);
  });

  it('reconnects when nats-server comes back, even without its store, and stops at once while it is gone', async () => {
    const traffic = await start({
      schedule: { ...QUIET, sagaEverySeconds: 1 },
    });
    await advance(traffic, 1, 2);
    await server.restart({ wipeStore: true });

    // Ticks fail until the client is back; the first one after that restores the streams.
    const streams = async () => {
      const names: string[] = [];
      for await (const name of jsm.streams.names()) names.push(name);
      return names;
    };
    let drafts = 0;
    const deadline = Date.now() + 60_000;
    while (!drafts && Date.now() < deadline) {
      clock.advance(1000);
      const ticked = await traffic.tick().then(
        () => true,
        () => false,
      );
      if (ticked) {
        drafts = (await jsm.streams.info('AUTHORING_EVENTS')).state.messages;
      } else {
        await new Promise(r => setTimeout(r, 200));
      }
    }
    expect(drafts).toBeGreaterThan(0);
    expect(await streams()).toHaveLength(
      EVENT_STREAMS.length + TEST_QUEUES.length,
    );

    await server.kill();
    const stopping = Date.now();
    await traffic.stop();
    expect(Date.now() - stopping).toBeLessThan(5000);
  });

  it('stops cleanly: the run loop ends and the server sees no connection left', async () => {
    const traffic = await start({
      clock: new AcceleratedClock(1),
      schedule: { ...QUIET, sagaEverySeconds: 0.05 },
    });
    const connections = async () => {
      const connz = await fetch(`${server.monitorUrl}/connz`);
      return ((await connz.json()) as { num_connections: number })
        .num_connections;
    };
    expect(await connections()).toBe(2);
    traffic.run(20);
    await new Promise(r => setTimeout(r, 300));
    await traffic.stop();
    const drafts = await jsm.streams.info('AUTHORING_EVENTS');
    expect(drafts.state.messages).toBeGreaterThan(0);
    for (let i = 0; i < 20 && (await connections()) > 1; i++) {
      await new Promise(r => setTimeout(r, 50));
    }
    expect(await connections()).toBe(1);
    // Stopped means stopped: neither a tick nor a second stop does anything.
    await traffic.tick();
    await traffic.stop();
    await new Promise(r => setTimeout(r, 100));
    expect((await jsm.streams.info('AUTHORING_EVENTS')).state.messages).toBe(
      drafts.state.messages,
    );
  });
});
