import express from 'express';
import request from 'supertest';
import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  KeyInventory,
  serviceOpsKeysReadPermission,
} from '@internal/backstage-plugin-service-ops-common';
import { findRepoRoot } from '@internal/sandbox-fleet';
import {
  sandboxTenants,
  SigningKeyResponder,
  SigningKeyVault,
  startNatsServer,
  TestNatsServer,
} from '@internal/sandbox-nats';
import { fleetEntities } from '../__testUtils__/fleetEntities';
import { JetStreamConnection } from '../backlog/JetStreamConnection';
import { readKeySettings } from './readKeySettings';
import { createKeysRouter } from './router';
import { SigningKeyAdministration } from './SigningKeyAdministration';
import { SigningKeyInventory } from './SigningKeyInventory';

jest.setTimeout(60_000);

const entities = fleetEntities(findRepoRoot(__dirname));
const BUNDLER = 'component:default/content-bundler';

describe('keys router', () => {
  let nats: TestNatsServer;
  let connection: JetStreamConnection;
  let responder: SigningKeyResponder;
  let vault: SigningKeyVault;
  const now = Date.parse('2026-12-01T12:00:00Z');

  const app = (
    result:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
  ) => {
    const permissions = mockServices.permissions({ result });
    jest.spyOn(permissions, 'authorize');
    const service = new SigningKeyInventory({
      catalog: catalogServiceMock({ entities }),
      permissions,
      keys: new SigningKeyAdministration(connection),
      settings: readKeySettings(new ConfigReader({})),
      now: () => now,
    });
    return {
      permissions,
      app: express()
        .use(
          createKeysRouter({
            httpAuth: mockServices.httpAuth(),
            auditor: mockServices.auditor.mock(),
            inventory: service,
          }),
        )
        .use(mockErrorHandler()),
    };
  };

  beforeAll(async () => {
    nats = await startNatsServer();
    vault = new SigningKeyVault({ now: () => now });
    vault.seed(sandboxTenants(320, 42));
    responder = await SigningKeyResponder.start({ servers: nats.url, vault });
    connection = JetStreamConnection.start({
      settings: { servers: [nats.url], name: 'keys-router-test' },
      logger: mockServices.logger.mock(),
    });
    await connection.waitUntilConnected(10_000);
  });

  afterAll(async () => {
    await connection?.close();
    await responder?.stop();
    await nats?.stop();
  });

  it('lists a few hundred tenants with their summary, filtered, sorted and paged', async () => {
    const { app: server, permissions } = app();
    const res = await request(server)
      .get('/keys/inventory')
      .query({ entityRef: BUNDLER, limit: '25' });
    expect(res.status).toBe(200);
    const body: KeyInventory = res.body;
    expect(body.summary.tenants).toBe(320);
    expect(body.totalCount).toBe(320);
    expect(body.items).toHaveLength(25);
    expect(body.quarterEndsAt).toBe('2027-01-01T00:00:00.000Z');
    expect(body.items[0].tenantId < body.items[1].tenantId).toBe(true);
    const acme = body.items.find(i => i.tenantId === 'acme-learning');
    expect(acme).toMatchObject({
      homeRegion: 'us',
      activeKid: expect.stringMatching(/^acme-learning-\d{8}-[0-9a-f]{6}$/),
      replication: {
        us: 'replicated',
        eu: 'replicated',
        me: 'replicated',
        ap: 'replicated',
      },
    });
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: serviceOpsKeysReadPermission, resourceRef: BUNDLER }],
      expect.anything(),
    );

    const overdue = await request(server)
      .get('/keys/inventory')
      .query({ entityRef: BUNDLER, drill: 'overdue', limit: '500' });
    expect(overdue.status).toBe(200);
    expect(overdue.body.totalCount).toBe(body.summary.drillOverdue);
    expect(overdue.body.totalCount).toBeGreaterThan(0);
    expect(overdue.body.totalCount).toBeLessThan(320);
    expect(
      overdue.body.items.every((i: { drill: string }) => i.drill === 'overdue'),
    ).toBe(true);

    const search = await request(server)
      .get('/keys/inventory')
      .query({ entityRef: BUNDLER, q: 'ACADEMY', homeRegion: 'eu' });
    expect(search.body.items.length).toBeGreaterThan(0);
    for (const item of search.body.items) {
      expect(item.tenantId).toContain('academy');
      expect(item.homeRegion).toBe('eu');
    }
    // By kid, too.
    const byKid = await request(server)
      .get('/keys/inventory')
      .query({ entityRef: BUNDLER, q: acme!.activeKid });
    expect(
      byKid.body.items.map((i: { tenantId: string }) => i.tenantId),
    ).toEqual(['acme-learning']);

    const oldest = await request(server)
      .get('/keys/inventory')
      .query({ entityRef: BUNDLER, sort: 'age', limit: '3' });
    const ages = oldest.body.items.map((i: { ageDays: number }) => i.ageDays);
    expect(ages).toEqual([...ages].sort((a, b) => b - a));
    expect(ages[0]).toBeGreaterThan(365);
  });

  it("answers one tenant's keys, and 404 for a tenant content-service does not have", async () => {
    const { app: server } = app();
    const res = await request(server)
      .get('/keys/tenants/acme-learning')
      .query({ entityRef: BUNDLER });
    expect(res.status).toBe(200);
    expect(res.body.tenantId).toBe('acme-learning');
    expect(res.body.keys.map((k: { state: string }) => k.state)).toEqual([
      'active',
      expect.stringMatching(/^(revoked|verify-only)$/),
      'revoked',
    ]);
    expect(res.body.item.activeKid).toBe(res.body.keys[0].kid);
    const missing = await request(server)
      .get('/keys/tenants/nobody-here')
      .query({ entityRef: BUNDLER });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('nobody-here');
  });

  it('refuses malformed requests with 400 naming what was wrong', async () => {
    const { app: server } = app();
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'entityRef is required'],
      [
        { entityRef: BUNDLER, drill: 'late' },
        'drill must be one of current, due, overdue',
      ],
      [
        { entityRef: BUNDLER, limit: '0' },
        'limit must be a whole number from 1 to 500',
      ],
      [
        { entityRef: BUNDLER, homeRegion: 'mars' },
        'homeRegion must be one of us, eu, me, ap',
      ],
      [{ entityRef: BUNDLER, sort: 'random' }, 'sort must be one of'],
      [{ entityRef: BUNDLER, extra: '1' }, 'extra'],
      [
        { entityRef: 'component:default/content-api' },
        'signing keys belong to content-bundler',
      ],
    ];
    for (const [query, message] of cases) {
      const res = await request(server).get('/keys/inventory').query(query);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    }
    const bad = await request(server)
      .get('/keys/tenants/Not.A.Tenant')
      .query({ entityRef: BUNDLER });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('lower-case letters');
  });

  it('is 403 without the read permission and 503 when content-service does not answer', async () => {
    const denied = await request(app(AuthorizeResult.DENY).app)
      .get('/keys/inventory')
      .query({ entityRef: BUNDLER });
    expect(denied.status).toBe(403);
    await responder.stop();
    try {
      const res = await request(app().app)
        .get('/keys/inventory')
        .query({ entityRef: BUNDLER });
      expect(res.status).toBe(503);
      expect(res.body.error.message).toContain('content.keys.v1.inventory');
    } finally {
      responder = await SigningKeyResponder.start({ servers: nats.url, vault });
    }
  });
});
