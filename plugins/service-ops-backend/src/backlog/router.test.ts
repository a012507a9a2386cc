import express from 'express';
import request from 'supertest';
import {
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  EntityBacklog,
  SagaCounts,
} from '@internal/backstage-plugin-service-ops-common';
import { findRepoRoot } from '@internal/sandbox-fleet';
import { fleetEntities } from '../__testUtils__/fleetEntities';
import { BacklogSampler } from './BacklogSampler';
import { Backlog, createBacklog } from './createBacklog';
import { createBacklogRouter } from './router';
import {
  JetStreamFixtures,
  sagaEvent,
} from './__testUtils__/jetStreamFixtures';
import { startNatsServer, TestNatsServer } from '@internal/sandbox-nats';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const entities = fleetEntities(findRepoRoot(__dirname));
const SERVICE = 'component:default/content-service';
const BUILDER = 'content-builder-worker';

async function until(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 100));
  }
}

async function startBacklog(serviceOps: object): Promise<Backlog> {
  const knex = await databases.init('SQLITE_3');
  return createBacklog({
    config: new ConfigReader({ serviceOps }),
    logger: mockServices.logger.mock(),
    database: mockServices.database({ knex }),
    scheduler: mockServices.scheduler.mock(),
  });
}

function appFor(
  backlog: Backlog,
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  return express()
    .use(
      createBacklogRouter({
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions({ result }),
        catalog: catalogServiceMock({ entities }),
        backlog,
      }),
    )
    .use(mockErrorHandler());
}

const services = {
  'content-service': {
    streams: [
      {
        stream: 'content-builder-queue-depth-{region}',
        regions: ['eu', 'us'],
        consumers: [{ name: BUILDER, container: 'content-builder' }],
      },
    ],
  },
};

describe('backlog router', () => {
  let nats: TestNatsServer;
  let fixtures: JetStreamFixtures;
  let backlog: Backlog;
  let app: express.Express;

  beforeAll(async () => {
    nats = await startNatsServer();
    fixtures = await JetStreamFixtures.connect(nats.url);
    await fixtures.eventStreams();
    await fixtures.workQueue({
      stream: 'content-builder-queue-depth-eu',
      subject: 'work.eu.content-builder-queue-depth',
      consumer: BUILDER,
    });
    for (let i = 0; i < 3; i++)
      await fixtures.publish(
        'work.eu.content-builder-queue-depth',
        `{"job":${i}}`,
      );
    backlog = await startBacklog({
      nats: { servers: nats.url },
      backlog: { services },
      sagas: { ackWaitSeconds: 2 },
    });
    app = appFor(backlog);
    await backlog.connection.waitUntilConnected(10_000);
  });

  afterAll(async () => {
    await backlog?.stop();
    await fixtures?.close();
    await nats?.stop();
  });

  it("answers a service's streams and consumers with thresholds from the topology document", async () => {
    const res = await request(app)
      .get('/backlog')
      .query({ entityRef: SERVICE });
    expect(res.status).toBe(200);
    const body: EntityBacklog = res.body;
    expect(body).toMatchObject({
      entityRef: SERVICE,
      service: 'content-service',
      nats: { state: 'connected' },
      problems: [],
    });
    expect(body.streams.map(s => [s.stream, s.region, s.error])).toEqual([
      ['content-builder-queue-depth-eu', 'eu', undefined],
      [
        'content-builder-queue-depth-us',
        'us',
        'stream content-builder-queue-depth-us does not exist',
      ],
    ]);
    expect(body.streams[0].consumers[0]).toMatchObject({
      name: BUILDER,
      container: 'content-builder',
      figures: { pending: 3, ackPending: 0, backlog: 3 },
      items: 3,
      level: 'below',
      threshold: {
        value: 50,
        per: 'total',
        origin: 'declared',
        text: 'queue depth > 50',
      },
    });
    // a container entity sees its service's streams it drains
    const builder = await request(app)
      .get('/backlog')
      .query({ entityRef: 'component:default/content-builder' });
    expect(builder.status).toBe(200);
    expect(builder.body.streams).toHaveLength(2);
  });

  it('answers the sampled history of the entity, per series', async () => {
    // two rounds ten minutes apart (a day keeps the last sample of each 4-minute bucket)
    const earlier = new BacklogSampler({
      reader: backlog.reader,
      store: backlog.store,
      services: backlog.settings.services,
      retentionDays: 7,
      now: () => Date.now() - 600_000,
    });
    expect(await earlier.sample()).toBe(2);
    expect(await backlog.sampler.sample()).toBe(2);
    const res = await request(app)
      .get('/backlog/history')
      .query({ entityRef: SERVICE, window: '24h' });
    expect(res.status).toBe(200);
    expect(res.body.intervalSeconds).toBe(10);
    expect(res.body.streams[0].points).toHaveLength(2);
    expect(res.body.consumers[0]).toMatchObject({
      stream: 'content-builder-queue-depth-eu',
      consumer: BUILDER,
      threshold: { value: 50 },
      points: [
        expect.objectContaining({ backlog: 3 }),
        expect.objectContaining({ backlog: 3 }),
      ],
    });
    expect(res.body.consumers[1].points).toEqual([]);
  });

  it('projects a published saga and answers it in the list, the counts and its detail', async () => {
    for (const step of ['draft-published', 'built'] as const) {
      const event = sagaEvent({
        publishId: 'p-1',
        step,
        occurredAt: new Date().toISOString(),
      });
      await fixtures.publish(event.subject, event.data);
    }
    await until(async () => {
      const counts: SagaCounts = (await request(app).get('/sagas/counts')).body;
      return counts.total === 1 && counts.counts.running === 1;
    }, 'the saga');
    const list = await request(app)
      .get('/sagas')
      .query({ state: 'running', region: 'eu' });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({
      totalCount: 1,
      limit: 50,
      offset: 0,
      nats: { state: 'connected' },
      projector: { state: 'running' },
      items: [
        {
          id: 'p-1',
          state: 'running',
          currentStep: 'built',
          expectedStep: 'course-version-published',
        },
      ],
    });
    const detail = await request(app).get('/sagas/p-1');
    expect(detail.status).toBe(200);
    expect(
      detail.body.instance.steps.map((s: { step: string }) => s.step),
    ).toEqual(['draft-published', 'built']);
    const poison = await request(app)
      .get('/poison')
      .query({ entityRef: SERVICE });
    expect(poison.body).toEqual({
      entityRef: SERVICE,
      nats: expect.objectContaining({ state: 'connected' }),
      items: [],
    });
  });

  it.each([
    [
      '/sagas?state=bogus',
      'state: state must be one of running, stuck, completed, failed, compensated',
    ],
    ['/sagas?limit=0', 'limit: limit must be a whole number from 1 to 500'],
    ['/sagas?limit=ten', 'limit: limit must be a whole number from 1 to 500'],
    [
      '/sagas?minAgeSeconds=-5',
      'minAgeSeconds: minAgeSeconds must be a whole number',
    ],
    ['/sagas?region=EU%21', 'region: region must be a region name such as eu'],
    ['/sagas?region=eu&region=us', 'region: region must be given once'],
    ['/sagas?sort=age', 'Unrecognized key: "sort"'],
    ['/sagas/counts?state=running', 'Unrecognized key: "state"'],
    ['/backlog', 'entityRef is required'],
    [
      '/backlog?entityRef=component:default/content-service&window=1h',
      'Unrecognized key: "window"',
    ],
    [
      '/backlog/history?entityRef=component:default/content-service&window=6h',
      'window: window must be one of 1h, 24h',
    ],
    [
      '/backlog?entityRef=component%3Adefault%2F',
      "entityRef 'component:default/' is not an entity reference",
    ],
  ])('rejects %s with 400 saying what was wrong', async (path, message) => {
    const res = await request(app).get(path);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ name: 'InputError' });
    expect(res.body.error.message).toContain(message);
  });

  it('answers 404 for an entity without streams and an unknown saga', async () => {
    const api = await request(app)
      .get('/backlog')
      .query({ entityRef: 'component:default/content-api' });
    expect(api.status).toBe(404);
    expect(api.body.error.message).toContain(
      'no JetStream streams are configured for component:default/content-api',
    );
    expect((await request(app).get('/sagas/nope')).status).toBe(404);
  });

  it('rebuilds with 202 and a status to follow', async () => {
    const res = await request(app).post('/sagas/rebuild');
    expect(res.status).toBe(202);
    expect(res.body.rebuild).toMatchObject({ state: 'running', total: 2 });
    await until(
      async () =>
        (await request(app).get('/sagas/rebuild')).body.rebuild?.state ===
        'done',
      'the rebuild',
    );
    expect((await request(app).get('/sagas/p-1')).status).toBe(200);
  });

  it('says NATS is down instead of answering empty, and refuses a rebuild with 503', async () => {
    await nats.kill();
    try {
      await until(
        async () => backlog.connection.health().state === 'reconnecting',
        'NATS to be lost',
      );
      const res = await request(app)
        .get('/backlog')
        .query({ entityRef: SERVICE });
      expect(res.status).toBe(200);
      expect(res.body.nats.state).toBe('reconnecting');
      expect(res.body.streams).toHaveLength(2);
      for (const stream of res.body.streams) {
        expect(stream.error).toMatch(/^NATS is reconnecting/);
        expect(stream.consumers[0]).toMatchObject({
          level: 'unknown',
          error: expect.stringMatching(/^NATS is reconnecting/),
        });
      }
      const counts = await request(app).get('/sagas/counts');
      expect(counts.body).toMatchObject({
        total: 1,
        nats: { state: 'reconnecting' },
      });
      const rebuild = await request(app).post('/sagas/rebuild');
      expect(rebuild.status).toBe(503);
      expect(rebuild.body.error.message).toContain('NATS is reconnecting');
    } finally {
      await nats.start();
    }
  });

  it('needs the saga permissions', async () => {
    const denied = appFor(backlog, AuthorizeResult.DENY);
    expect((await request(denied).get('/sagas')).status).toBe(403);
    expect((await request(denied).post('/sagas/rebuild')).status).toBe(403);
    expect(
      (await request(denied).get('/backlog').query({ entityRef: SERVICE }))
        .status,
    ).toBe(403);
  });
});

describe('backlog router without NATS configured', () => {
  it('answers the configured streams as not configured, never as an empty list', async () => {
    const backlog = await startBacklog({ backlog: { services } });
    const res = await request(appFor(backlog))
      .get('/backlog')
      .query({ entityRef: SERVICE });
    expect(res.status).toBe(200);
    expect(res.body.nats.state).toBe('not-configured');
    expect(res.body.streams.map((s: { error: string }) => s.error)).toEqual([
      'NATS is not configured (serviceOps.nats)',
      'NATS is not configured (serviceOps.nats)',
    ]);
    const sagas = await request(appFor(backlog)).get('/sagas');
    expect(sagas.body).toMatchObject({
      items: [],
      nats: { state: 'not-configured' },
      projector: { state: 'not-configured' },
    });
    await backlog.stop();
  });
});
