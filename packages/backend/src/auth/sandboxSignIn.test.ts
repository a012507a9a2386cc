import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { authModuleSandboxProvider, readSandboxSignIn } from './sandboxSignIn';

jest.setTimeout(60_000);

const users = [
  { name: 'dana.author', title: 'Dana (authoring team)' },
  { name: 'sam.oncall', title: 'Sam (platform on-call)' },
];

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'sam.oncall', namespace: 'default' },
    spec: { memberOf: ['platform-oncall'] },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/platform-oncall' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'dana.author', namespace: 'default' },
    spec: { memberOf: ['authoring-team'] },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/authoring-team' },
    ],
  },
];

async function backendWith(sandbox: object) {
  const { server } = await startTestBackend({
    features: [
      authPlugin,
      authModuleSandboxProvider,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          auth: { providers: { sandbox } },
        },
      }),
    ],
  });
  return server;
}

describe('the sandbox sign-in', () => {
  it('signs in as the user the header names, with their groups', async () => {
    const server = await backendWith({
      users,
      dangerouslyAllowOutsideDevelopment: true,
    });
    const res = await request(server)
      .get('/api/auth/sandbox/refresh')
      .set('x-sandbox-user', 'sam.oncall');
    expect(res.status).toBe(200);
    expect(res.body.backstageIdentity.identity).toMatchObject({
      type: 'user',
      userEntityRef: 'user:default/sam.oncall',
      ownershipEntityRefs: expect.arrayContaining([
        'group:default/platform-oncall',
      ]),
    });
    expect(res.body.profile.displayName).toBe('Sam (platform on-call)');
  });

  it('refuses a request without the header, and a user not offered', async () => {
    const server = await backendWith({
      users,
      dangerouslyAllowOutsideDevelopment: true,
    });
    const none = await request(server).get('/api/auth/sandbox/refresh');
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/x-sandbox-user header/);
    const other = await request(server)
      .get('/api/auth/sandbox/refresh')
      .set('x-sandbox-user', 'mallory');
    expect(other.status).toBe(403);
    expect(other.body.error.message).toMatch(
      /'mallory' is not one of the sandbox users \(dana.author, sam.oncall\)/,
    );
  });

  it('is off outside development unless allowed', async () => {
    const server = await backendWith({ users });
    const res = await request(server)
      .get('/api/auth/sandbox/refresh')
      .set('x-sandbox-user', 'sam.oncall');
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/for development only/);
    expect(
      readSandboxSignIn(new ConfigReader({ users }), 'development').disabled,
    ).toBeUndefined();
  });

  it('rejects a configured name that cannot be a User entity', () => {
    expect(() =>
      readSandboxSignIn(new ConfigReader({ users: [{ name: 'Not A Name!' }] })),
    ).toThrow(/'Not A Name!' is not a User entity name/);
  });
});
