import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { buildHistory, buildSnapshot } from '../__fixtures__/snapshots';
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
});
