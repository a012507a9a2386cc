import { NatsTestClient } from '../testing/NatsTestClient';
import { startNatsServer, TestNatsServer } from '../testing/natsServer';
import { sandboxTenants } from './sandboxTenants';
import {
  regionJwksSubject,
  SIGNING_KEYS_INVENTORY_SUBJECT,
  tenantKeysSubject,
} from './signingKeysContract';
import { SigningKeyResponder } from './SigningKeyResponder';
import { SigningKeyVault } from './SigningKeyVault';

const TENANT = 'acme-learning';

describe('SigningKeyResponder', () => {
  jest.setTimeout(30_000);
  let server: TestNatsServer;
  let client: NatsTestClient;
  let responder: SigningKeyResponder;
  let vault: SigningKeyVault;
  let now: number;

  beforeAll(async () => {
    server = await startNatsServer();
    client = await NatsTestClient.connect(server.url);
  });
  afterAll(async () => {
    await client.close();
    await server.stop();
  });
  beforeEach(async () => {
    now = Date.parse('2026-12-01T12:00:00Z');
    vault = new SigningKeyVault({
      now: () => now,
      replication: {
        us: { delayMs: 1000 },
        eu: { delayMs: 2000 },
        me: { delayMs: 5000 },
        ap: { delayMs: 3000 },
      },
    });
    vault.seed(sandboxTenants(300, 7));
    responder = await SigningKeyResponder.start({
      servers: server.url,
      vault,
    });
  });
  afterEach(async () => {
    await responder.stop();
  });

  const tenantRequest = (
    action: Parameters<typeof tenantKeysSubject>[1],
    body: unknown,
  ) => client.request(tenantKeysSubject(TENANT, action), body);

  it('pages through a few hundred tenants', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const reply = await client.request(SIGNING_KEYS_INVENTORY_SUBJECT, {
        limit: 120,
        ...(cursor ? { cursor } : {}),
      });
      expect(reply.ok).toBe(true);
      expect(reply.totalTenants).toBe(300);
      seen.push(...reply.tenants.map((t: { tenantId: string }) => t.tenantId));
      cursor = reply.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(300);
    expect(seen).toEqual([...seen].sort());
    const first = await client.request(SIGNING_KEYS_INVENTORY_SUBJECT, {});
    const acme = first.tenants.find(
      (t: { tenantId: string }) => t.tenantId === TENANT,
    );
    expect(acme.keys.filter((k: any) => k.state === 'active')).toHaveLength(1);
    expect(acme.keys[0]).not.toHaveProperty('privateKey');
  });

  it('rotates with real keys: replicated per region, activated, the old one revoked; bundles verify accordingly', async () => {
    const before = vault.signBundle(TENANT, 'bundle-1 manifest');
    const { tenant } = await tenantRequest('list', { tenantId: TENANT });
    const oldKid = tenant.keys.find((k: any) => k.state === 'active').kid;
    expect(before.kid).toBe(oldKid);

    const rotated = await tenantRequest('rotate', {
      tenantId: TENANT,
      operationId: 'op-1',
      mode: 'emergency',
      reason: 'key material seen in a public paste',
    });
    expect(rotated).toMatchObject({ ok: true, repeated: false });
    const newKid: string = rotated.kid;
    expect(newKid).not.toBe(oldKid);
    // A repeat of the request id answers the same key: one rotation.
    await expect(
      tenantRequest('rotate', {
        tenantId: TENANT,
        operationId: 'op-1',
        mode: 'emergency',
        reason: 'key material seen in a public paste',
      }),
    ).resolves.toMatchObject({ ok: true, kid: newKid, repeated: true });
    // Another operation may not start a second rotation meanwhile.
    await expect(
      tenantRequest('rotate', {
        tenantId: TENANT,
        operationId: 'op-2',
        mode: 'drill',
        reason: 'quarterly drill',
      }),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'rotation-in-progress' },
    });

    const jwksHas = async (region: string) => {
      const reply = await client.request(regionJwksSubject(region), {
        tenantId: TENANT,
      });
      return reply.keys.some((k: { kid: string }) => k.kid === newKid);
    };
    now += 2500;
    expect(await jwksHas('us')).toBe(true);
    expect(await jwksHas('eu')).toBe(true);
    expect(await jwksHas('ap')).toBe(false);
    expect(await jwksHas('me')).toBe(false);
    const early = await tenantRequest('activate', {
      tenantId: TENANT,
      operationId: 'op-1',
      kid: newKid,
    });
    expect(early).toMatchObject({
      ok: false,
      error: { code: 'not-replicated' },
    });
    expect(early.error.message).toContain('me');
    expect(early.error.message).toContain('ap');

    now += 3000;
    expect(await jwksHas('me')).toBe(true);
    const listed = await tenantRequest('list', { tenantId: TENANT });
    expect(listed.tenant.keys[0]).toMatchObject({
      kid: newKid,
      state: 'pending',
      origin: { type: 'emergency', operationId: 'op-1' },
      replication: {
        us: { state: 'replicated' },
        eu: { state: 'replicated' },
        me: { state: 'replicated' },
        ap: { state: 'replicated' },
      },
    });
    await expect(
      tenantRequest('activate', {
        tenantId: TENANT,
        operationId: 'op-1',
        kid: newKid,
      }),
    ).resolves.toMatchObject({ ok: true, kid: newKid, previousKid: oldKid });
    await expect(
      tenantRequest('revoke', {
        tenantId: TENANT,
        operationId: 'op-1',
        kid: oldKid,
        reason: 'compromised',
      }),
    ).resolves.toMatchObject({ ok: true, kid: oldKid, state: 'revoked' });

    const after = vault.signBundle(TENANT, 'bundle-2 manifest');
    expect(after.kid).toBe(newKid);
    for (const region of ['us', 'eu', 'me', 'ap']) {
      expect(vault.verifyBundle(region, after)).toEqual({ valid: true });
      const rejected = vault.verifyBundle(region, before);
      expect(rejected.valid).toBe(false);
      // Also a fresh signature made with the leaked key.
      expect(
        vault.verifyBundle(region, vault.signWithKid(TENANT, oldKid, 'forged'))
          .valid,
      ).toBe(false);
    }
    // A tampered payload does not verify with the new key either.
    expect(vault.verifyBundle('eu', { ...after, payload: 'tampered' })).toEqual(
      {
        valid: false,
        reason: 'the signature does not match the payload',
      },
    );
  });

  it("keeps a drill's old key verify-only for the grace window, then revokes it", async () => {
    const before = vault.signBundle(TENANT, 'bundle before the drill');
    const { kid } = await tenantRequest('rotate', {
      tenantId: TENANT,
      operationId: 'drill-1',
      mode: 'drill',
      reason: 'Q4 drill',
    });
    now += 6000;
    const activated = await tenantRequest('activate', {
      tenantId: TENANT,
      operationId: 'drill-1',
      kid,
    });
    const graceEnds = new Date(now + 3_600_000).toISOString();
    await expect(
      tenantRequest('revoke', {
        tenantId: TENANT,
        operationId: 'drill-1',
        kid: activated.previousKid,
        reason: 'drill grace window',
        after: graceEnds,
      }),
    ).resolves.toMatchObject({
      ok: true,
      state: 'verify-only',
      revokeAt: graceEnds,
    });
    expect(vault.verifyBundle('me', before)).toEqual({ valid: true });
    now += 3_600_000;
    expect(vault.verifyBundle('me', before).valid).toBe(false);
    const listed = await tenantRequest('list', { tenantId: TENANT });
    expect(
      listed.tenant.keys.find((k: any) => k.kid === activated.previousKid),
    ).toMatchObject({ state: 'revoked', revokedAt: graceEnds });
  });

  it('a stalled region never shows the key, and a region can stop answering', async () => {
    vault.setReplication('me', { delayMs: 5000, stalled: true });
    const { kid } = await tenantRequest('rotate', {
      tenantId: TENANT,
      operationId: 'op-stall',
      mode: 'emergency',
      reason: 'suspected leak',
    });
    now += 600_000;
    const me = await client.request(regionJwksSubject('me'), {
      tenantId: TENANT,
    });
    expect(me.keys.map((k: { kid: string }) => k.kid)).not.toContain(kid);
    await expect(
      tenantRequest('activate', {
        tenantId: TENANT,
        operationId: 'op-stall',
        kid,
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'not-replicated' } });
    vault.setReplication('me', { delayMs: 5000 });
    now += 5000;
    const resumed = await client.request(regionJwksSubject('me'), {
      tenantId: TENANT,
    });
    expect(resumed.keys.map((k: { kid: string }) => k.kid)).toContain(kid);

    responder.setRegionAnswering('ap', false);
    await expect(
      client.request(regionJwksSubject('ap'), { tenantId: TENANT }, 500),
    ).rejects.toThrow();
  });

  it('refuses malformed requests, naming each field', async () => {
    await expect(
      client.request(tenantKeysSubject(TENANT, 'rotate'), 'not json'),
    ).resolves.toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
    const reply = await tenantRequest('rotate', {
      tenantId: 'globex-academy',
      mode: 'sometimes',
      reason: '',
      extra: 1,
    });
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('bad-request');
    for (const part of [
      'does not match the subject',
      'operationId is required',
      'mode must be one of emergency, drill',
      'reason must be a non-empty string',
      'extra is not a field',
    ])
      expect(reply.error.message).toContain(part);
    await expect(
      tenantRequest('revoke', {
        tenantId: TENANT,
        operationId: 'x',
        kid: 'k',
        reason: 'r',
        after: 'tomorrow',
      }),
    ).resolves.toMatchObject({
      error: {
        code: 'bad-request',
        message: expect.stringContaining('after must be an ISO-8601'),
      },
    });
    await expect(
      client.request(SIGNING_KEYS_INVENTORY_SUBJECT, { limit: 0 }),
    ).resolves.toMatchObject({
      error: {
        code: 'bad-request',
        message: expect.stringContaining(
          'limit must be a whole number from 1 to 500',
        ),
      },
    });
    await expect(
      client.request(tenantKeysSubject('nobody-here', 'list'), {
        tenantId: 'nobody-here',
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'unknown-tenant' } });
    await expect(
      tenantRequest('activate', {
        tenantId: TENANT,
        operationId: 'x',
        kid: 'no-such-kid',
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'unknown-key' } });
    const active = (
      await tenantRequest('list', { tenantId: TENANT })
    ).tenant.keys.find((k: any) => k.state === 'active');
    await expect(
      tenantRequest('revoke', {
        tenantId: TENANT,
        operationId: 'x',
        kid: active.kid,
        reason: 'oops',
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'invalid-state' } });
  });
});
