import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { buildHistory, buildSnapshot } from '../__fixtures__/snapshots';
import {
  buildBacklog,
  buildBacklogHistory,
  buildPoison,
  buildSagaCounts,
  buildSagaInstance,
  buildSagaList,
  runningSaga,
} from '../__fixtures__/backlog';
import {
  buildOperationList,
  buildPreview,
  buildSucceededOperation,
  buildWaitingOperation,
  COLLAB_REF,
} from '../__fixtures__/operations';
import {
  buildEntityRollout,
  buildRolloutPreview,
  CONTENT_API_REF,
} from '../__fixtures__/rollouts';
import { ServiceOpsClient } from './ServiceOpsClient';

const server = setupServer();
registerMswTestHooks(server);

const base = 'http://example.com/api/service-ops';

function client(token?: string) {
  return new ServiceOpsClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: mockApis.fetch(
      token ? { injectIdentityAuth: { token } } : undefined,
    ),
  });
}

describe('ServiceOpsClient', () => {
  it('fetches the snapshot of an entity with the user’s token', async () => {
    const snapshot = buildSnapshot();
    let seen: { entityRef: string | null; auth: string | null } | undefined;
    server.use(
      http.get(`${base}/snapshot`, ({ request }) => {
        seen = {
          entityRef: new URL(request.url).searchParams.get('entityRef'),
          auth: request.headers.get('authorization'),
        };
        return HttpResponse.json(snapshot);
      }),
    );
    await expect(
      client('user-token').getSnapshot({
        entityRef: 'component:default/content-service',
      }),
    ).resolves.toEqual(snapshot);
    expect(seen).toEqual({
      entityRef: 'component:default/content-service',
      auth: 'Bearer user-token',
    });
  });

  it('asks for the history of a window, container and cluster', async () => {
    const history = buildHistory(buildSnapshot());
    let query: Record<string, string> | undefined;
    server.use(
      http.get(`${base}/history`, ({ request }) => {
        query = Object.fromEntries(new URL(request.url).searchParams);
        return HttpResponse.json(history);
      }),
    );
    await expect(
      client().getHistory({
        entityRef: 'component:default/content-service',
        window: '6h',
        container: 'content-builder',
        cluster: 'eu',
      }),
    ).resolves.toEqual(history);
    expect(query).toEqual({
      entityRef: 'component:default/content-service',
      window: '6h',
      container: 'content-builder',
      cluster: 'eu',
    });

    await client().getHistory({
      entityRef: 'component:default/content-service',
      window: '1h',
    });
    expect(query).toEqual({
      entityRef: 'component:default/content-service',
      window: '1h',
    });
  });

  it('turns the backend’s error into a ResponseError with its message', async () => {
    server.use(
      http.get(`${base}/snapshot`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotFoundError',
              message:
                'no entity component:default/nope (or you may not read it)',
            },
            request: { method: 'GET', url: '/snapshot' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client()
      .getSnapshot({ entityRef: 'component:default/nope' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.message).toBe(
      'no entity component:default/nope (or you may not read it)',
    );
  });

  it('fetches the backlog, its history and the poison messages of an entity', async () => {
    const seen: Array<{ path: string; query: Record<string, string> }> = [];
    const record = (request: Request) => {
      const url = new URL(request.url);
      seen.push({
        path: url.pathname.replace('/api/service-ops', ''),
        query: Object.fromEntries(url.searchParams),
      });
    };
    server.use(
      http.get(`${base}/backlog`, ({ request }) => {
        record(request);
        return HttpResponse.json(buildBacklog());
      }),
      http.get(`${base}/backlog/history`, ({ request }) => {
        record(request);
        return HttpResponse.json(buildBacklogHistory());
      }),
      http.get(`${base}/poison`, ({ request }) => {
        record(request);
        return HttpResponse.json(buildPoison());
      }),
    );
    const entityRef = 'component:default/content-service';
    await expect(client().getBacklog({ entityRef })).resolves.toEqual(
      buildBacklog(),
    );
    await expect(
      client().getBacklogHistory({ entityRef, window: '24h' }),
    ).resolves.toEqual(buildBacklogHistory());
    await expect(client().getPoison({ entityRef, limit: 20 })).resolves.toEqual(
      buildPoison(),
    );
    expect(seen).toEqual([
      { path: '/backlog', query: { entityRef } },
      { path: '/backlog/history', query: { entityRef, window: '24h' } },
      { path: '/poison', query: { entityRef, limit: '20' } },
    ]);
  });

  it('asks for the sagas with the filters given, their counts and one saga', async () => {
    const queries: Array<Record<string, string>> = [];
    let askedFor: string | undefined;
    server.use(
      http.get(`${base}/sagas/counts`, () =>
        HttpResponse.json(buildSagaCounts()),
      ),
      http.get(`${base}/sagas/:id`, ({ params }) => {
        askedFor = String(params.id);
        return HttpResponse.json(buildSagaInstance());
      }),
      http.get(`${base}/sagas`, ({ request }) => {
        queries.push(Object.fromEntries(new URL(request.url).searchParams));
        return HttpResponse.json(buildSagaList());
      }),
    );
    await expect(
      client().getSagas({
        state: 'stuck',
        region: 'eu',
        minAgeSeconds: 600,
        limit: 20,
        offset: 40,
      }),
    ).resolves.toEqual(buildSagaList());
    await client().getSagas({});
    expect(queries).toEqual([
      {
        state: 'stuck',
        region: 'eu',
        minAgeSeconds: '600',
        limit: '20',
        offset: '40',
      },
      {},
    ]);
    await expect(client().getSagaCounts()).resolves.toEqual(buildSagaCounts());
    await expect(client().getSaga({ id: runningSaga.id })).resolves.toEqual(
      buildSagaInstance(),
    );
    expect(askedFor).toBe(runningSaga.id);
  });

  it('turns an unknown saga into a ResponseError', async () => {
    server.use(
      http.get(`${base}/sagas/:id`, () =>
        HttpResponse.json(
          {
            error: { name: 'NotFoundError', message: 'no publish saga nope' },
            request: { method: 'GET', url: '/sagas/nope' },
            response: { statusCode: 404 },
          },
          { status: 404 },
        ),
      ),
    );
    const error = await client()
      .getSaga({ id: 'nope' })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.message).toBe('no publish saga nope');
  });

  describe('operations', () => {
    /** What the backend received: method, path, query, headers of interest, body. */
    type Seen = {
      method: string;
      path: string;
      query: Record<string, string>;
      idempotencyKey: string | null;
      contentType: string | null;
      body?: unknown;
    };
    async function record(request: Request, seen: Seen[]) {
      const url = new URL(request.url);
      const text = request.method === 'POST' ? await request.text() : '';
      seen.push({
        method: request.method,
        path: url.pathname.replace('/api/service-ops', ''),
        query: Object.fromEntries(url.searchParams),
        idempotencyKey: request.headers.get('idempotency-key'),
        contentType: request.headers.get('content-type'),
        ...(text ? { body: JSON.parse(text) } : {}),
      });
    }

    it('posts a drain’s target for its preview, leaving out what was not given', async () => {
      const seen: Seen[] = [];
      server.use(
        http.post(
          `${base}/operations/collab-drain/preview`,
          async ({ request }) => {
            await record(request, seen);
            return HttpResponse.json(buildPreview());
          },
        ),
      );
      await expect(
        client().previewCollabDrain({
          entityRef: COLLAB_REF,
          cluster: 'eu',
          pods: ['authoring-collab-7d9f6c-eu1x'],
          noticeSeconds: 0,
        }),
      ).resolves.toEqual(buildPreview());
      await client().previewCollabDrain({
        entityRef: COLLAB_REF,
        cluster: 'us',
      });
      expect(seen.map(s => [s.contentType, s.body])).toEqual([
        [
          'application/json',
          {
            entityRef: COLLAB_REF,
            cluster: 'eu',
            pods: ['authoring-collab-7d9f6c-eu1x'],
            noticeSeconds: 0,
          },
        ],
        ['application/json', { entityRef: COLLAB_REF, cluster: 'us' }],
      ]);
    });

    it('starts a drain with its reason, confirmation and Idempotency-Key', async () => {
      const seen: Seen[] = [];
      const operation = buildWaitingOperation();
      server.use(
        http.post(`${base}/operations/collab-drain`, async ({ request }) => {
          await record(request, seen);
          return HttpResponse.json(operation, { status: 201 });
        }),
      );
      await expect(
        client('user-token').startCollabDrain({
          entityRef: COLLAB_REF,
          cluster: 'eu',
          noticeSeconds: 5,
          reason: 'Roll the collab pods onto the patched node image',
          confirm: 'authoring-collab',
          incidentUrl: 'https://incidents.example.com/INC-2041',
          idempotencyKey: 'b1946ac9-2f2d-4f5e-8d3c-0a1b2c3d4e5f',
        }),
      ).resolves.toEqual(operation);
      await client().startCollabDrain({
        entityRef: COLLAB_REF,
        cluster: 'eu',
        reason: 'Roll the collab pods onto the patched node image',
        confirm: 'authoring-collab',
        incidentUrl: '',
        idempotencyKey: 'second-key',
      });
      expect(seen).toEqual([
        {
          method: 'POST',
          path: '/operations/collab-drain',
          query: {},
          idempotencyKey: 'b1946ac9-2f2d-4f5e-8d3c-0a1b2c3d4e5f',
          contentType: 'application/json',
          body: {
            entityRef: COLLAB_REF,
            cluster: 'eu',
            noticeSeconds: 5,
            reason: 'Roll the collab pods onto the patched node image',
            confirm: 'authoring-collab',
            incidentUrl: 'https://incidents.example.com/INC-2041',
          },
        },
        {
          method: 'POST',
          path: '/operations/collab-drain',
          query: {},
          idempotencyKey: 'second-key',
          contentType: 'application/json',
          body: {
            entityRef: COLLAB_REF,
            cluster: 'eu',
            reason: 'Roll the collab pods onto the patched node image',
            confirm: 'authoring-collab',
          },
        },
      ]);
    });

    it('surfaces a refused drain as a ResponseError with the backend’s message', async () => {
      const message =
        'a collab-drain is already running on component:default/authoring-collab in eu: 6f1d9a52-3c0e-4e8a-9b7c-2d4f5e6a7b8c';
      server.use(
        http.post(`${base}/operations/collab-drain`, () =>
          HttpResponse.json(
            {
              error: { name: 'ConflictError', message },
              request: { method: 'POST', url: '/operations/collab-drain' },
              response: { statusCode: 409 },
            },
            { status: 409 },
          ),
        ),
      );
      const error = await client()
        .startCollabDrain({
          entityRef: COLLAB_REF,
          cluster: 'eu',
          reason: 'Roll the collab pods onto the patched node image',
          confirm: 'authoring-collab',
          idempotencyKey: 'k',
        })
        .catch(e => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.statusCode).toBe(409);
      expect(error.body.error.message).toBe(message);
      expect(error.cause.message).toBe(message);
    });

    it('lists an entity’s operations, reads one and cancels one', async () => {
      const seen: Seen[] = [];
      const running = buildWaitingOperation();
      const done = buildSucceededOperation({ id: 'other' });
      server.use(
        http.get(`${base}/operations`, async ({ request }) => {
          await record(request, seen);
          return HttpResponse.json(buildOperationList([running, done]));
        }),
        http.get(`${base}/operations/:id`, async ({ request }) => {
          await record(request, seen);
          return HttpResponse.json(running);
        }),
        http.post(`${base}/operations/:id/cancel`, async ({ request }) => {
          await record(request, seen);
          return HttpResponse.json({ ...running, state: 'cancelling' });
        }),
      );
      await expect(
        client().getOperations({ entityRef: COLLAB_REF, limit: 20 }),
      ).resolves.toEqual(buildOperationList([running, done]));
      await expect(client().getOperation({ id: running.id })).resolves.toEqual(
        running,
      );
      await expect(
        client().cancelOperation({ id: running.id }),
      ).resolves.toMatchObject({ id: running.id, state: 'cancelling' });
      expect(seen.map(s => [s.method, s.path, s.query, s.body])).toEqual([
        [
          'GET',
          '/operations',
          { entityRef: COLLAB_REF, limit: '20' },
          undefined,
        ],
        ['GET', `/operations/${running.id}`, {}, undefined],
        ['POST', `/operations/${running.id}/cancel`, {}, {}],
      ]);
    });
  });

  it('reads a rollout, previews an action and starts it with its Idempotency-Key', async () => {
    const rollout = buildEntityRollout();
    const seen: Array<{
      method: string;
      path: string;
      body?: unknown;
      key?: string | null;
      query?: string | null;
    }> = [];
    server.use(
      http.get(`${base}/rollouts`, ({ request }) => {
        seen.push({
          method: 'GET',
          path: '/rollouts',
          query: new URL(request.url).searchParams.get('entityRef'),
        });
        return HttpResponse.json(rollout);
      }),
      http.post(`${base}/operations/rollout/preview`, async ({ request }) => {
        seen.push({
          method: 'POST',
          path: '/operations/rollout/preview',
          body: await request.json(),
        });
        return HttpResponse.json(
          buildRolloutPreview(rollout, 'promote', ['us', 'eu']),
        );
      }),
      http.post(`${base}/operations/rollout`, async ({ request }) => {
        seen.push({
          method: 'POST',
          path: '/operations/rollout',
          body: await request.json(),
          key: request.headers.get('idempotency-key'),
        });
        return HttpResponse.json(buildWaitingOperation(), { status: 201 });
      }),
    );
    await expect(
      client().getRollout({ entityRef: CONTENT_API_REF }),
    ).resolves.toEqual(rollout);
    await client().previewRollout({
      entityRef: CONTENT_API_REF,
      action: 'promote',
      clusters: ['us', 'eu'],
    });
    await client().startRollout({
      entityRef: CONTENT_API_REF,
      action: 'abort',
      clusters: ['us'],
      expected: {},
      reason: 'errors on the canary',
      idempotencyKey: 'key-1',
    });
    expect(seen).toEqual([
      { method: 'GET', path: '/rollouts', query: CONTENT_API_REF },
      {
        method: 'POST',
        path: '/operations/rollout/preview',
        body: {
          entityRef: CONTENT_API_REF,
          action: 'promote',
          clusters: ['us', 'eu'],
        },
      },
      {
        method: 'POST',
        path: '/operations/rollout',
        // An abort sends no confirmation, and nothing that is absent.
        body: {
          entityRef: CONTENT_API_REF,
          action: 'abort',
          clusters: ['us'],
          expected: {},
          reason: 'errors on the canary',
        },
        key: 'key-1',
      },
    ]);
  });
});
