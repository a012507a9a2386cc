import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { BacklogSampler } from './BacklogSampler';
import { DatabaseBacklogStore } from './DatabaseBacklogStore';
import { JetStreamBacklogReader } from './JetStreamBacklogReader';
import { JetStreamConnection } from './JetStreamConnection';
import { JetStreamPoisonListener } from './JetStreamPoisonListener';
import { JetStreamFixtures } from './__testUtils__/jetStreamFixtures';
import { startNatsServer, TestNatsServer } from '@internal/sandbox-nats';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const STREAM = 'content-builder-queue-depth-eu';
const SUBJECT = 'work.eu.content-builder-queue-depth';
const WORKER = 'content-builder-worker';
const configured = {
  stream: STREAM,
  region: 'eu',
  consumers: [
    { name: WORKER, container: 'content-builder', itemsPerMessage: 3 },
  ],
};

/** What `/jsz` says about a stream and one of its consumers. */
interface Jsz {
  account_details: Array<{
    stream_detail?: Array<{
      name: string;
      state: {
        messages: number;
        bytes: number;
        first_seq: number;
        last_seq: number;
      };
      consumer_detail?: Array<{
        name: string;
        num_pending: number;
        num_ack_pending: number;
        num_redelivered: number;
        delivered: { stream_seq: number };
        ack_floor: { stream_seq: number };
      }>;
    }>;
  }>;
}

async function until(check: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('JetStream backlog against a real nats-server', () => {
  let nats: TestNatsServer;
  let fixtures: JetStreamFixtures;
  let connection: JetStreamConnection;
  let store: DatabaseBacklogStore;
  let poison: JetStreamPoisonListener;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    nats = await startNatsServer();
    fixtures = await JetStreamFixtures.connect(nats.url);
    await fixtures.workQueue({
      stream: STREAM,
      subject: SUBJECT,
      consumer: WORKER,
      maxDeliver: 2,
    });
    const knex = await databases.init('SQLITE_3');
    const database: DatabaseService = { getClient: async () => knex };
    store = await DatabaseBacklogStore.create(database);
    connection = JetStreamConnection.start({
      settings: { servers: [nats.url], name: 'service-ops-test' },
      logger,
    });
    poison = JetStreamPoisonListener.start({ connection, store, logger });
    await connection.waitUntilConnected(10_000);
  });

  afterAll(async () => {
    await connection?.close();
    await fixtures?.close();
    await nats?.stop();
  });

  it("reads the same stream and consumer figures as the server's monitoring endpoint", async () => {
    for (let i = 0; i < 30; i++)
      await fixtures.publish(SUBJECT, `{"job":${i}}`);
    // 2 acked, 1 given back (redelivered below), 2 held unacked
    let n = 0;
    await fixtures.deliver({
      stream: STREAM,
      consumer: WORKER,
      max: 5,
      handle: async m => {
        n += 1;
        if (n <= 2) await m.ack();
        else if (n === 3) m.nak(0);
      },
    });
    await fixtures.deliver({
      stream: STREAM,
      consumer: WORKER,
      max: 1,
      handle: () => undefined,
    });
    await fixtures.nc.flush();

    const [reading] = await new JetStreamBacklogReader(connection).readStreams([
      configured,
    ]);
    const jsz = await nats.monitor<Jsz>(
      '/jsz?accounts=true&streams=true&consumers=true',
    );
    const stream = jsz.account_details[0].stream_detail!.find(
      s => s.name === STREAM,
    )!;
    const consumer = stream.consumer_detail!.find(c => c.name === WORKER)!;
    expect(reading.figures).toMatchObject({
      messages: stream.state.messages,
      bytes: stream.state.bytes,
      firstSeq: stream.state.first_seq,
      lastSeq: stream.state.last_seq,
    });
    expect(reading.consumers[0].figures).toMatchObject({
      pending: consumer.num_pending,
      ackPending: consumer.num_ack_pending,
      redelivered: consumer.num_redelivered,
      deliveredStreamSeq: consumer.delivered.stream_seq,
      ackFloorStreamSeq: consumer.ack_floor.stream_seq,
      backlog: consumer.num_pending + consumer.num_ack_pending,
    });
    // and they are what the worker did: 28 left, 3 of them delivered and unacked
    expect(reading.consumers[0].figures).toMatchObject({
      pending: 25,
      ackPending: 3,
      redelivered: 1,
      backlog: 28,
    });
  });

  it('puts the backlog in items against the threshold and names what is missing', async () => {
    const reader = new JetStreamBacklogReader(connection);
    const { streams } = await reader.read({
      streams: [
        configured,
        {
          stream: 'no-such-stream',
          consumers: [{ name: WORKER, itemsPerMessage: 1 }],
        },
        {
          stream: STREAM,
          consumers: [{ name: 'no-such-worker', itemsPerMessage: 1 }],
        },
      ],
      declared: new Map([
        [
          'content-builder',
          {
            service: 'component:default/content-service',
            container: 'content-builder',
            scaling: {
              min: 2,
              max: 30,
              text: 'queue depth > 50',
              source: 'file:docs/x.md#L9',
              triggers: [
                {
                  metric: 'queue-depth',
                  metricText: 'queue depth',
                  comparison: '>',
                  threshold: 50,
                  basis: 'total',
                },
              ],
            },
          },
        ],
      ]),
    });
    expect(streams[0].consumers[0]).toMatchObject({
      items: 84,
      level: 'above',
      threshold: { value: 50, per: 'total', origin: 'declared' },
    });
    expect(streams[1]).toEqual({
      stream: 'no-such-stream',
      error: 'stream no-such-stream does not exist',
      consumers: [
        {
          name: WORKER,
          itemsPerMessage: 1,
          level: 'unknown',
          error: 'stream no-such-stream does not exist',
        },
      ],
    });
    expect(streams[2].consumers[0].error).toBe(
      `consumer no-such-worker does not exist on stream ${STREAM}`,
    );
  });

  it('stores each poison message once, from MAX_DELIVERIES and MSG_TERMINATED advisories', async () => {
    const poisonSeq = await fixtures.publish(SUBJECT, '{"truncated":');
    const rejectedSeq = await fixtures.publish(
      SUBJECT,
      '{"job":"unknown kind"}',
    );
    // the worker naks the poison until NATS gives up (max_deliver 2), terminates the other
    const listed = () =>
      store.listPoison({
        consumers: [{ stream: STREAM, consumer: WORKER }],
        limit: 10,
      });
    await until(async () => {
      await fixtures.deliver({
        stream: STREAM,
        consumer: WORKER,
        max: 50,
        handle: async m => {
          if (m.seq === poisonSeq) m.nak(0);
          // without a reason: nats-server 2.9 ignores `+TERM <reason>`
          else if (m.seq === rejectedSeq) m.term();
          else await m.ack();
        },
      });
      await poison.settled();
      return (await listed()).length === 2;
    }, 'two poison advisories');
    const items = await listed();
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'max-deliveries',
          streamSeq: poisonSeq,
          deliveries: 2,
          subject: SUBJECT,
          excerpt: '{"truncated":',
        }),
        expect.objectContaining({
          kind: 'terminated',
          streamSeq: rejectedSeq,
          deliveries: 1,
        }),
      ]),
    );
  });

  it('samples what it reads; while NATS is down it says so and samples nothing', async () => {
    const sampler = new BacklogSampler({
      reader: new JetStreamBacklogReader(connection),
      store,
      services: { 'content-service': [configured] },
      retentionDays: 7,
    });
    expect(await sampler.sample()).toBe(2);

    await nats.kill();
    await until(
      () => connection.health().state === 'reconnecting',
      'reconnecting',
    );
    expect(connection.health()).toMatchObject({
      state: 'reconnecting',
      server: expect.stringContaining('127.0.0.1'),
    });
    const [down] = await new JetStreamBacklogReader(connection).readStreams([
      configured,
    ]);
    expect(down.error).toMatch(/^NATS is reconnecting/);
    expect(down.consumers[0].error).toMatch(/^NATS is reconnecting/);
    expect(await sampler.sample()).toBe(0);

    await nats.start();
    await connection.waitUntilConnected(15_000);
    const [up] = await new JetStreamBacklogReader(connection).readStreams([
      configured,
    ]);
    expect(up.figures?.messages).toBeGreaterThan(0);
  });
});

describe('JetStreamConnection without a server', () => {
  it('is disconnected with the last error until a server answers', async () => {
    const connection = JetStreamConnection.start({
      settings: { servers: ['nats://127.0.0.1:1'], name: 'nobody' },
      logger: mockServices.logger.mock(),
    });
    await until(() => Boolean(connection.health().lastError), 'an error');
    expect(connection.health()).toMatchObject({
      state: 'disconnected',
      lastError: { message: expect.any(String) },
    });
    await expect(connection.streamFigures('S')).rejects.toThrow(
      /NATS is disconnected/,
    );
    await connection.close();
  });

  it('is not-configured without settings', async () => {
    const connection = JetStreamConnection.start({
      logger: mockServices.logger.mock(),
    });
    expect(connection.health().state).toBe('not-configured');
    await expect(connection.streamFigures('S')).rejects.toThrow(
      'NATS is not configured (serviceOps.nats)',
    );
  });
});
