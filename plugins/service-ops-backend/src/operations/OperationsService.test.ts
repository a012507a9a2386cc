import express from 'express';
import request from 'supertest';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { serviceOpsCollabDrainPermission } from '@internal/backstage-plugin-service-ops-common';
import { findRepoRoot } from '@internal/sandbox-fleet';
import { fleetEntities } from '../__testUtils__/fleetEntities';
import { CollabDrainOperations } from './CollabDrainOperations';
import { DatabaseOperationStore } from './DatabaseOperationStore';
import { OperationExecutor } from './OperationExecutor';
import { OperationsService } from './OperationsService';
import { createOperationsRouter } from './router';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15'],
});

const TARGET = 'component:default/authoring-collab';
const REQUESTER = 'user:default/dana.author';
const APPROVER = 'user:default/sam.oncall';
const SECOND = 'user:default/lee.platform';
const OUTSIDER = 'user:default/ola.reader';

/**
 * The generic routes (read, cancel, approve) over a real store, with a permission
 * service that gives the kind's permission to everyone but OUTSIDER.
 */
async function setUp(id: TestDatabaseId) {
  const knex = await databases.init(id);
  const database: DatabaseService = { getClient: async () => knex };
  const store = await DatabaseOperationStore.create(database);
  const executor = new OperationExecutor({
    store,
    handlers: [],
    logger: mockServices.logger.mock(),
  });
  const changed = jest.spyOn(executor, 'changed');
  const authorize = jest.fn(async (requests: any[], options: any) =>
    requests.map(r => ({
      result:
        r.permission.name === serviceOpsCollabDrainPermission.name &&
        options.credentials.principal.userEntityRef === OUTSIDER
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    })),
  );
  const operations = new OperationsService({
    catalog: catalogServiceMock({
      entities: fleetEntities(findRepoRoot(__dirname)),
    }),
    permissions: {
      authorize,
      authorizeConditional: async (requests: unknown[]) =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })),
    } as any,
    store,
    executor,
  });
  const app = express()
    .use(
      createOperationsRouter({
        httpAuth: mockServices.httpAuth(),
        auditor: mockServices.auditor.mock(),
        operations,
        drains: {} as CollabDrainOperations,
      }),
    )
    .use(mockErrorHandler());
  const needsApproval = async (required: number) =>
    (
      await store.create(
        {
          kind: 'collab-drain',
          entityRef: TARGET,
          cluster: 'eu',
          parameters: { cluster: 'eu' },
          steps: [],
          progress: {},
          actor: REQUESTER,
          reason: 'a drain that needs approval',
          requestHash: `h${required}`,
          approval: { required, expiresAt: Date.now() + 600_000 },
        },
        Date.now(),
      )
    ).operation;
  const approve = (opId: string, as: string, body: object = {}) =>
    request(app)
      .post(`/operations/${opId}/approve`)
      .set('authorization', mockCredentials.user.header(as))
      .send(body);
  return { store, app, changed, needsApproval, approve };
}

describe.each(databases.eachSupportedId())('approvals on %s', id => {
  it('refuses the requester, and an approver without the permission, with 403 and no change', async () => {
    const { store, needsApproval, approve, changed } = await setUp(id);
    const operation = await needsApproval(1);
    const self = await approve(operation.id, REQUESTER);
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/cannot approve it yourself/);
    const outsider = await approve(operation.id, OUTSIDER);
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toMatch(
      /approving needs service-ops.operation.collab-drain/,
    );
    const unchanged = await store.get(operation.id);
    expect(unchanged).toMatchObject({ state: 'awaiting-approval' });
    expect(unchanged?.approval?.approvals).toEqual([]);
    expect(changed).not.toHaveBeenCalled();
  });

  it('runs the operation once the approvals it needs are given, each by another person', async () => {
    const { needsApproval, approve, changed } = await setUp(id);
    const operation = await needsApproval(2);
    const first = await approve(operation.id, APPROVER, {
      comment: 'INC-2041 confirmed',
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      state: 'awaiting-approval',
      approval: {
        required: 2,
        approvals: [{ by: APPROVER, comment: 'INC-2041 confirmed' }],
      },
    });
    expect(first.body.progress).toBeUndefined();
    const again = await approve(operation.id, APPROVER);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/approved operation .* already/);
    const second = await approve(operation.id, SECOND);
    expect(second.status).toBe(200);
    expect(second.body.state).toBe('pending');
    expect(changed).toHaveBeenCalledTimes(2);
  });

  it('rejects malformed approvals with 400 and changes nothing', async () => {
    const { store, needsApproval, approve } = await setUp(id);
    const operation = await needsApproval(1);
    const cases: Array<[string, object, RegExp]> = [
      ['not-a-uuid', {}, /operation id must be a UUID/],
      [operation.id, { comment: 42 }, /comment must be text/],
      [operation.id, { comment: 'x'.repeat(2001) }, /at most 2000/],
      [operation.id, { approved: true }, /approved/],
    ];
    for (const [opId, body, message] of cases) {
      const res = await approve(opId, APPROVER, body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.body.error.message).toMatch(message);
    }
    expect((await store.get(operation.id))?.state).toBe('awaiting-approval');
  });

  it('answers 404 for an unknown operation and 409 for one that needs no approval', async () => {
    const { store, approve } = await setUp(id);
    const missing = await approve(
      '0b6f3f9e-4f7e-4c1e-9d3e-1f2a3b4c5d6e',
      APPROVER,
    );
    expect(missing.status).toBe(404);
    const { operation } = await store.create(
      {
        kind: 'collab-drain',
        entityRef: TARGET,
        cluster: 'us',
        parameters: { cluster: 'us' },
        steps: [],
        progress: {},
        actor: REQUESTER,
        reason: 'no approval needed',
        requestHash: 'plain',
      },
      Date.now(),
    );
    const res = await approve(operation.id, APPROVER);
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /is pending; only an operation awaiting approval/,
    );
  });

  it('cancels an operation awaiting approval at once', async () => {
    const { app, needsApproval } = await setUp(id);
    const operation = await needsApproval(1);
    const res = await request(app)
      .post(`/operations/${operation.id}/cancel`)
      .set('authorization', mockCredentials.user.header(APPROVER))
      .send({});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'cancelled',
      cancelRequestedBy: APPROVER,
    });
  });
});
