import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { SigningKeysClient } from './SigningKeysClient';

const server = setupServer();
registerMswTestHooks(server);

const base = 'http://example.com/api/service-ops';
const BUNDLER = 'component:default/content-bundler';

const client = () =>
  new SigningKeysClient({
    discoveryApi: mockApis.discovery(),
    fetchApi: mockApis.fetch({ injectIdentityAuth: { token: 'user-token' } }),
  });

describe('SigningKeysClient', () => {
  it('reads the inventory with only the filters that are set, with the user token', async () => {
    let url: URL | undefined;
    let auth: string | null = null;
    server.use(
      http.get(`${base}/keys/inventory`, ({ request }) => {
        url = new URL(request.url);
        auth = request.headers.get('authorization');
        return HttpResponse.json({ items: [], totalCount: 0 });
      }),
    );
    await client().getKeyInventory({
      entityRef: BUNDLER,
      q: '  acme ',
      drill: 'overdue',
      notReplicated: false,
      sort: 'age',
      limit: 25,
      offset: 50,
    });
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      entityRef: BUNDLER,
      q: 'acme',
      drill: 'overdue',
      sort: 'age',
      limit: '25',
      offset: '50',
    });
    expect(auth).toBe('Bearer user-token');
  });

  it("reads a tenant's keys", async () => {
    server.use(
      http.get(`${base}/keys/tenants/acme-learning`, ({ request }) =>
        HttpResponse.json({
          tenantId: 'acme-learning',
          entityRef: new URL(request.url).searchParams.get('entityRef'),
        }),
      ),
    );
    await expect(
      client().getTenantKeys({ entityRef: BUNDLER, tenantId: 'acme-learning' }),
    ).resolves.toMatchObject({ tenantId: 'acme-learning', entityRef: BUNDLER });
  });

  it('asks for a rotation with the Idempotency-Key header and without absent fields', async () => {
    let body: unknown;
    let key: string | null = null;
    server.use(
      http.post(`${base}/operations/key-rotation`, async ({ request }) => {
        body = await request.json();
        key = request.headers.get('idempotency-key');
        return HttpResponse.json(
          { id: 'op-1', state: 'awaiting-approval' },
          { status: 201 },
        );
      }),
    );
    await expect(
      client().startKeyRotation({
        entityRef: BUNDLER,
        tenants: ['acme-learning'],
        mode: 'emergency',
        reason: 'key material seen in a public paste',
        incidentUrl: 'https://incidents.example/INC-1',
        concurrency: undefined,
        idempotencyKey: 'key-1',
      }),
    ).resolves.toMatchObject({ id: 'op-1', state: 'awaiting-approval' });
    expect(key).toBe('key-1');
    expect(body).toEqual({
      entityRef: BUNDLER,
      tenants: ['acme-learning'],
      mode: 'emergency',
      reason: 'key material seen in a public paste',
      incidentUrl: 'https://incidents.example/INC-1',
    });
  });

  it("throws the backend's error as a ResponseError", async () => {
    server.use(
      http.post(`${base}/operations/key-rotation`, () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'you may not rotate signing keys',
            },
            request: { method: 'POST', url: '/operations/key-rotation' },
            response: { statusCode: 403 },
          },
          { status: 403 },
        ),
      ),
    );
    const error = await client()
      .startKeyRotation({
        entityRef: BUNDLER,
        tenants: ['acme-learning'],
        mode: 'drill',
        reason: 'quarterly drill of acme',
        idempotencyKey: 'key-2',
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.body.error.message).toBe('you may not rotate signing keys');
  });
});
