import express from 'express';
import request from 'supertest';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, NatsConnection } from '@nats-io/transport-node';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  Operation,
  serviceOpsKeyRotationApprovePermission,
  serviceOpsKeyRotationPermission,
  summarizeTenantKeys,
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
import { CollabDrainOperations } from '../operations/CollabDrainOperations';
import { DatabaseOperationStore } from '../operations/DatabaseOperationStore';
import { OperationExecutor } from '../operations/OperationExecutor';
import { OperationsService } from '../operations/OperationsService';
import { createOperationsRouter } from '../operations/router';
import { KeyRotationHandler } from './KeyRotationHandler';
import { KeyRotationOperations } from './KeyRotationOperations';
import { registerKeyActions } from './registerKeyActions';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { readKeySettings } from './readKeySettings';
import { createKeysRouter } from './router';
import { SigningKeyAdministration } from './SigningKeyAdministration';
import { SigningKeyInventory } from './SigningKeyInventory';

jest.setTimeout(90_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15'],
});

const BUNDLER = 'component:default/content-bundler';
// content-team's two members, and someone of another team.
const REQUESTER = 'user:default/chen.content';
const APPROVER = 'user:default/priya.content';
const OUTSIDER = 'user:default/dana.author';
const INCIDENT = 'https://incidents.example/INC-4242';
const REGIONS = ['us', 'eu', 'me', 'ap'];

/** Counts tenants between their rotate and their activate (the bulk's concurrency). */
class CountingAdministration extends SigningKeyAdministration {
  readonly between = new Set<string>();
  maxBetween = 0;
  readonly rotates: string[] = [];
  async rotate(r: Parameters<SigningKeyAdministration['rotate']>[0]) {
    this.rotates.push(`${r.tenantId} ${r.operationId}`);
    this.between.add(r.tenantId);
    this.maxBetween = Math.max(this.maxBetween, this.between.size);
    return super.rotate(r);
  }
  async activate(r: Parameters<SigningKeyAdministration['activate']>[0]) {
    const reply = await super.activate(r);
    this.between.delete(r.tenantId);
    return reply;
  }
}

describe('key rotation', () => {
  let nats: TestNatsServer;
  let nc: NatsConnection;
  let connection: JetStreamConnection;
  let vault: SigningKeyVault;
  let responder: SigningKeyResponder;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({
      name: 'SIGNING_KEY_EVENTS',
      subjects: ['content.signing_key.>'],
      duplicate_window: 120_000_000_000,
    });
    vault = new SigningKeyVault({
      replication: {
        us: { delayMs: 50 },
        eu: { delayMs: 150 },
        me: { delayMs: 300 },
        ap: { delayMs: 200 },
      },
    });
    vault.seed(sandboxTenants(60, 3));
    responder = await SigningKeyResponder.start({ servers: nats.url, vault });
    connection = JetStreamConnection.start({
      settings: { servers: [nats.url], name: 'key-rotation-test' },
      logger: mockServices.logger.mock(),
    });
    await connection.waitUntilConnected(10_000);
  });

  afterAll(async () => {
    await connection?.close();
    await responder?.stop();
    await nc?.close();
    await nats?.stop();
  });

  afterEach(() => {
    for (const region of REGIONS)
      vault.setReplication(region, { delayMs: 100 });
  });

  /** The rotated events in the stream for an operation (retried while NATS comes back). */
  async function events(operationId: string) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await storedEvents(operationId);
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise(r => setTimeout(r, 500));
      }
    }
  }

  async function storedEvents(operationId: string) {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info('SIGNING_KEY_EVENTS');
    const found = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
      const message = await jsm.streams.getMessage('SIGNING_KEY_EVENTS', {
        seq,
      });
      const body = message?.json<{ operationId: string }>();
      if (body?.operationId === operationId) found.push(body as any);
    }
    return found;
  }

  async function setUp(id: TestDatabaseId, rotation: object = {}) {
    const knex = await databases.init(id);
    const database: DatabaseService = { getClient: async () => knex };
    const store = await DatabaseOperationStore.create(database);
    const settings = readKeySettings(
      new ConfigReader({
        serviceOps: {
          keys: {
            cacheSeconds: 0,
            rotation: {
              pollSeconds: 0.1,
              replicationTimeoutSeconds: 5,
              ...rotation,
            },
          },
        },
      }),
    );
    const authorize = jest.fn(async (requests: any[], options: any) =>
      requests.map(r => ({
        result:
          [
            serviceOpsKeyRotationPermission.name,
            serviceOpsKeyRotationApprovePermission.name,
          ].includes(r.permission.name) &&
          options.credentials.principal.userEntityRef === OUTSIDER
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
    );
    const permissions = {
      authorize,
      authorizeConditional: async (requests: unknown[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as any;
    const catalog = catalogServiceMock({
      entities: fleetEntities(findRepoRoot(__dirname)),
    });
    const keys = new CountingAdministration(connection);
    const inventory = new SigningKeyInventory({
      catalog,
      permissions,
      keys,
      settings,
    });
    const auditor = mockServices.auditor.mock();
    const handler = new KeyRotationHandler({
      keys,
      auditor,
      settings: settings.rotation,
      regions: settings.regions,
      onKeysChanged: () => inventory.invalidate(),
    });
    const executor = new OperationExecutor({
      store,
      handlers: [handler],
      logger: mockServices.logger.mock(),
      pollMs: 50,
    });
    const rotations = new KeyRotationOperations({
      inventory,
      store,
      executor,
      settings,
    });
    const operations = new OperationsService({
      catalog,
      permissions,
      store,
      executor,
    });
    const app = express()
      .use(
        createKeysRouter({
          httpAuth: mockServices.httpAuth(),
          auditor,
          inventory,
          rotations,
        }),
      )
      .use(
        createOperationsRouter({
          httpAuth: mockServices.httpAuth(),
          auditor,
          operations,
          drains: {} as CollabDrainOperations,
        }),
      )
      .use(mockErrorHandler());
    const actions = actionsRegistryServiceMock();
    registerKeyActions({ actionsRegistry: actions, inventory, rotations });
    executor.start();
    const rotate = (body: object, as = REQUESTER, key?: string) => {
      const req = request(app)
        .post('/operations/key-rotation')
        .set('authorization', mockCredentials.user.header(as));
      if (key) req.set('idempotency-key', key);
      return req.send(body);
    };
    const approve = (opId: string, as: string) =>
      request(app)
        .post(`/operations/${opId}/approve`)
        .set('authorization', mockCredentials.user.header(as))
        .send({ comment: 'confirmed on the incident bridge' });
    const final = async (opId: string): Promise<Operation> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const operation = await store.get(opId);
        if (
          operation &&
          ['succeeded', 'failed', 'cancelled'].includes(operation.state)
        )
          return operation;
        if (Date.now() > deadline)
          throw new Error(`operation ${opId} is still ${operation?.state}`);
        await new Promise(r => setTimeout(r, 50));
      }
    };
    return {
      app,
      store,
      executor,
      keys,
      auditor,
      actions,
      rotate,
      approve,
      final,
    };
  }

  const activeKid = (tenantId: string) =>
    vault.list(tenantId).keys.find(k => k.state === 'active')!.kid;

  describe.each(databases.eachSupportedId())('on %s', id => {
    let env: Awaited<ReturnType<typeof setUp>>;
    afterEach(async () => {
      await env?.executor.stop();
    });

    it('rotates in an emergency only after a second person approves, then revokes the old key everywhere', async () => {
      env = await setUp(id);
      const tenant = 'acme-learning';
      const oldKid = activeKid(tenant);
      const oldBundle = vault.signBundle(tenant, `bundle before ${id}`);
      const created = await env.rotate({
        entityRef: BUNDLER,
        tenants: [tenant],
        mode: 'emergency',
        reason: 'signing key material found in a public paste',
        incidentUrl: INCIDENT,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        kind: 'key-rotation',
        state: 'awaiting-approval',
        cluster: tenant,
        approval: { required: 1, approvals: [] },
      });
      const opId = created.body.id;

      // Nothing happens while it awaits approval.
      await new Promise(r => setTimeout(r, 300));
      expect(activeKid(tenant)).toBe(oldKid);
      expect(env.keys.rotates).toEqual([]);

      const self = await env.approve(opId, REQUESTER);
      expect(self.status).toBe(403);
      expect(self.body.error.message).toMatch(/cannot approve it yourself/);
      const outsider = await env.approve(opId, OUTSIDER);
      expect(outsider.status).toBe(403);
      expect(outsider.body.error.message).toContain(
        serviceOpsKeyRotationApprovePermission.name,
      );
      expect((await env.store.get(opId))?.state).toBe('awaiting-approval');

      const approved = await env.approve(opId, APPROVER);
      expect(approved.status).toBe(200);
      const done = await env.final(opId);
      expect(done.error).toBeUndefined();
      expect(done.state).toBe('succeeded');
      const newKid = activeKid(tenant);
      expect(newKid).not.toBe(oldKid);
      expect(done.steps.map(s => [s.id, s.status])).toEqual([
        ['create', 'succeeded'],
        ['replicate', 'succeeded'],
        ['activate', 'succeeded'],
        ['retire', 'succeeded'],
        ['publish', 'succeeded'],
      ]);
      expect(done.steps[0].detail).toContain(newKid);
      expect(done.steps[3].detail).toContain(`${oldKid} revoked`);

      // Bundles: the new key verifies in every region, the revoked one nowhere.
      const newBundle = vault.signBundle(tenant, `bundle after ${id}`);
      expect(newBundle.kid).toBe(newKid);
      for (const region of REGIONS) {
        expect(vault.verifyBundle(region, newBundle)).toEqual({ valid: true });
        expect(vault.verifyBundle(region, oldBundle).valid).toBe(false);
      }
      const old = vault.list(tenant).keys.find(k => k.kid === oldKid);
      expect(old?.state).toBe('revoked');

      // Published once, with the kids and who approved.
      expect(await events(opId)).toEqual([
        expect.objectContaining({
          eventId: `${opId}:${tenant}`,
          tenantId: tenant,
          mode: 'emergency',
          newKid,
          previousKid: oldKid,
          previousKidState: 'revoked',
          requestedBy: REQUESTER,
          approvedBy: [APPROVER],
          incidentUrl: INCIDENT,
        }),
      ]);
      // Every step audited with the kids.
      const audited = env.auditor.createEvent.mock.calls
        .map(([e]) => e)
        .filter(e => e.eventId === 'key-rotation-step');
      expect(audited.map(e => e.meta?.step)).toEqual([
        'create',
        'replicate',
        'activate',
        'retire',
        'publish',
      ]);
      for (const e of audited)
        expect(e.meta).toMatchObject({
          operationId: opId,
          tenantId: tenant,
          newKid,
          previousKid: oldKid,
        });
    });

    it('a repeated request id rotates once; another request for the tenant meanwhile is 409', async () => {
      env = await setUp(id);
      const tenant = 'globex-academy';
      const keysBefore = vault.list(tenant).keys.length;
      const body = {
        entityRef: BUNDLER,
        tenants: [tenant],
        mode: 'emergency',
        reason: 'the HSM partition reported an unexpected export',
        incidentUrl: INCIDENT,
      };
      const first = await env.rotate(body, REQUESTER, `retry-${id}`);
      const again = await env.rotate(body, REQUESTER, `retry-${id}`);
      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      const other = await env.rotate(body, APPROVER, `other-${id}`);
      expect(other.status).toBe(409);
      expect(other.body.error.message).toContain(first.body.id);

      await env.approve(first.body.id, APPROVER);
      expect((await env.final(first.body.id)).state).toBe('succeeded');
      // Asking again after the end answers the same, finished operation.
      const late = await env.rotate(body, REQUESTER, `retry-${id}`);
      expect(late.status).toBe(200);
      expect(late.body).toMatchObject({
        id: first.body.id,
        state: 'succeeded',
      });
      const keys = vault.list(tenant).keys;
      expect(keys).toHaveLength(keysBefore + 1);
      expect(
        keys.filter(k => k.origin.operationId === first.body.id),
      ).toHaveLength(1);
      expect(env.keys.rotates).toEqual([`${tenant} ${first.body.id}`]);
      expect(await events(first.body.id)).toHaveLength(1);
    });

    it('stops before activation with a clear message when a region never confirms', async () => {
      env = await setUp(id, { replicationTimeoutSeconds: 1 });
      const tenant = 'northwind-training';
      const oldKid = activeKid(tenant);
      vault.setReplication('me', { delayMs: 100, stalled: true });
      const created = await env.rotate({
        entityRef: BUNDLER,
        tenants: [tenant],
        mode: 'emergency',
        reason: 'suspected compromise of the tenant key',
        incidentUrl: INCIDENT,
      });
      await env.approve(created.body.id, APPROVER);
      const done = await env.final(created.body.id);
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(
        /did not appear in the JWKS of me within 1 s \(us, eu, ap confirmed\); it was not activated, .* still signs; the new key was revoked/,
      );
      expect(done.error).toContain(oldKid);
      expect(done.steps.find(s => s.id === 'replicate')?.status).toBe('failed');
      expect(done.steps.find(s => s.id === 'activate')?.status).toBe('pending');
      expect(activeKid(tenant)).toBe(oldKid);
      const newKey = vault
        .list(tenant)
        .keys.find(k => k.origin.operationId === created.body.id);
      expect(newKey?.state).toBe('revoked');
      expect(await events(created.body.id)).toEqual([]);
      // The tenant can be rotated again once the region is back.
      vault.setReplication('me', { delayMs: 100 });
      const retry = await env.rotate({
        entityRef: BUNDLER,
        tenants: [tenant],
        mode: 'emergency',
        reason: 'suspected compromise of the tenant key, second try',
        incidentUrl: INCIDENT,
      });
      await env.approve(retry.body.id, APPROVER);
      expect((await env.final(retry.body.id)).state).toBe('succeeded');
      expect(activeKid(tenant)).not.toBe(oldKid);
    });

    it('drills a list of tenants at most two at a time, keeping each old key verify-only and counting the drill for the quarter', async () => {
      env = await setUp(id);
      const tenants = [
        'contoso-university',
        'falcon-institute',
        'oasis-learning',
        'sakura-academy',
        'koala-training',
      ];
      const before = Object.fromEntries(tenants.map(t => [t, activeKid(t)]));
      const created = await env.rotate({
        entityRef: BUNDLER,
        tenants,
        mode: 'drill',
        reason: 'quarterly emergency-rotation drill',
        concurrency: 2,
        graceSeconds: 3600,
      });
      expect(created.status).toBe(201);
      expect(created.body.steps.map((s: { id: string }) => s.id)).toEqual(
        [...tenants].sort().map(t => `tenant:${t}`),
      );
      await env.approve(created.body.id, APPROVER);
      const done = await env.final(created.body.id);
      expect(done.state).toBe('succeeded');
      expect(env.keys.maxBetween).toBe(2);
      const now = Date.now();
      for (const tenant of tenants) {
        const keys = vault.list(tenant);
        const old = keys.keys.find(k => k.kid === before[tenant]);
        expect(old).toMatchObject({ state: 'verify-only' });
        expect(Date.parse(old!.revokeAt!)).toBeGreaterThan(now + 3_500_000);
        const item = summarizeTenantKeys(keys, now);
        expect(item.drill).toBe('current');
        expect(item.activeKid).not.toBe(before[tenant]);
        const step = done.steps.find(s => s.id === `tenant:${tenant}`);
        expect(step?.status).toBe('succeeded');
        expect(step?.detail).toContain(`${before[tenant]} → ${item.activeKid}`);
        expect(step?.detail).toContain('drill recorded');
      }
      expect(await events(created.body.id)).toHaveLength(tenants.length);
    });

    it('loses nothing when the backend stops mid-wait and NATS restarts: another executor finishes, one key, one event', async () => {
      env = await setUp(id, { replicationTimeoutSeconds: 60 });
      const tenant = 'sakura-academy';
      const oldKid = activeKid(tenant);
      vault.setReplication('ap', { delayMs: 100, stalled: true });
      const created = await env.rotate({
        entityRef: BUNDLER,
        tenants: [tenant],
        mode: 'emergency',
        reason: 'rotation across a backend restart',
        incidentUrl: INCIDENT,
      });
      await env.approve(created.body.id, APPROVER);
      const deadline = Date.now() + 20_000;
      for (;;) {
        const operation = await env.store.get(created.body.id);
        const step = operation?.steps.find(s => s.id === 'replicate');
        if (
          step?.status === 'running' &&
          step.detail?.includes('waiting for ap')
        )
          break;
        if (Date.now() > deadline) throw new Error('never waited for ap');
        await new Promise(r => setTimeout(r, 50));
      }
      // This backend goes away in the middle of the wait, and NATS restarts.
      await env.executor.stop();
      await nats.restart();
      await connection.waitUntilConnected(20_000);
      vault.setReplication('ap', { delayMs: 100 });
      const successor = new OperationExecutor({
        store: env.store,
        handlers: [
          new KeyRotationHandler({
            keys: env.keys,
            auditor: env.auditor,
            settings: readKeySettings(
              new ConfigReader({
                serviceOps: { keys: { rotation: { pollSeconds: 0.1 } } },
              }),
            ).rotation,
            regions: REGIONS,
          }),
        ],
        logger: mockServices.logger.mock(),
        pollMs: 50,
      });
      successor.start();
      try {
        const done = await env.final(created.body.id);
        expect(done.error).toBeUndefined();
        expect(done.state).toBe('succeeded');
      } finally {
        await successor.stop();
      }
      const keys = vault.list(tenant).keys;
      expect(
        keys.filter(k => k.origin.operationId === created.body.id),
      ).toHaveLength(1);
      expect(keys.find(k => k.kid === oldKid)?.state).toBe('revoked');
      expect(activeKid(tenant)).not.toBe(oldKid);
      expect(await events(created.body.id)).toHaveLength(1);
    });

    it('offers the inventory and the request in the actions registry, guarded the same way', async () => {
      env = await setUp(id);
      const listed = await env.actions.invoke({
        id: 'test:list-signing-keys',
        input: { drill: 'overdue', limit: 5 },
        credentials: mockCredentials.user(OUTSIDER),
      });
      const inventory = (listed.output as any).inventory;
      expect(inventory.items.length).toBeGreaterThan(0);
      expect(
        inventory.items.every((i: { drill: string }) => i.drill === 'overdue'),
      ).toBe(true);
      const drill = {
        tenants: ['koala-training'],
        mode: 'drill',
        reason: 'quarterly drill asked from a tool',
      };
      await expect(
        env.actions.invoke({
          id: 'test:request-key-rotation',
          input: drill,
          credentials: mockCredentials.user(OUTSIDER),
        }),
      ).rejects.toThrow(/may not rotate signing keys/);
      const asked = await env.actions.invoke({
        id: 'test:request-key-rotation',
        input: drill,
        credentials: mockCredentials.user(REQUESTER),
      });
      expect(asked.output).toMatchObject({
        created: true,
        operation: { kind: 'key-rotation', state: 'awaiting-approval' },
      });
      expect(env.keys.rotates).toEqual([]);
    });

    it('refuses malformed requests and missing permission, changing nothing', async () => {
      env = await setUp(id);
      const good = {
        entityRef: BUNDLER,
        tenants: ['acme-learning'],
        mode: 'emergency',
        reason: 'signing key material found in a public paste',
        incidentUrl: INCIDENT,
      };
      const cases: Array<[object, string]> = [
        [{ ...good, tenants: [] }, 'tenants must name at least one tenant'],
        [{ ...good, tenants: ['Bad Tenant'] }, 'lower-case letters'],
        [
          { ...good, tenants: ['acme-learning', 'acme-learning'] },
          'must not repeat',
        ],
        [{ ...good, mode: 'yolo' }, 'mode must be emergency'],
        [{ ...good, reason: 'short' }, 'reason must say why'],
        [
          { ...good, incidentUrl: undefined },
          'incidentUrl is required for an emergency rotation',
        ],
        [{ ...good, graceSeconds: 60 }, 'graceSeconds applies to a drill only'],
        [{ ...good, concurrency: 500 }, 'concurrency may be at most 20'],
        [
          { ...good, tenants: ['no-such-tenant'] },
          'content-service has no tenant no-such-tenant',
        ],
        [
          { ...good, entityRef: 'component:default/content-api' },
          'signing keys belong to content-bundler',
        ],
        [{ ...good, extra: true }, 'extra'],
      ];
      for (const [body, message] of cases) {
        const res = await env.rotate(body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(message);
      }
      const json = await request(env.app)
        .post('/operations/key-rotation')
        .set('authorization', mockCredentials.user.header(REQUESTER))
        .set('content-type', 'application/json')
        .send('{"tenants": [');
      expect(json.status).toBe(400);
      expect(json.body.error.message).toContain('not valid JSON');
      const denied = await env.rotate(good, OUTSIDER);
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toContain(
        serviceOpsKeyRotationPermission.name,
      );
      expect(
        (
          await env.store.list({ entityRef: BUNDLER, limit: 10, offset: 0 })
        ).items.filter(o => o.state !== 'succeeded' && o.state !== 'failed'),
      ).toEqual([]);
      expect(env.keys.rotates).toEqual([]);
    });
  });
});
