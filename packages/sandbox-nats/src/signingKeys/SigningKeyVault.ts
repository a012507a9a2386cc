import {
  createPublicKey,
  generateKeyPairSync,
  KeyObject,
  randomBytes,
  sign,
  verify,
} from 'node:crypto';
import type {
  ActivateReply,
  ActivateRequest,
  Jwk,
  RevokeReply,
  RevokeRequest,
  RotateReply,
  RotateRequest,
  SigningKeysError,
  WireAlgorithm,
  WireKeyState,
  WireOriginType,
  WireSigningKey,
  WireTenantKeys,
} from './signingKeysContract';

/** A region's replication of new keys into its JWKS. */
export interface RegionReplication {
  /** After how long a new key shows in the region's JWKS. */
  delayMs: number;
  /** A stalled region replicates nothing until it is resumed. */
  stalled?: boolean;
}

/** The sandbox's default replication: the farther from the HSM's home, the later. */
export const DEFAULT_REPLICATION: Record<string, RegionReplication> = {
  us: { delayMs: 400 },
  eu: { delayMs: 1200 },
  ap: { delayMs: 2000 },
  me: { delayMs: 3000 },
};

interface VaultKey {
  kid: string;
  algorithm: WireAlgorithm;
  state: WireKeyState;
  createdAt: number;
  activatedAt?: number;
  retiredAt?: number;
  revokedAt?: number;
  revokeAt?: number;
  origin: { type: WireOriginType; operationId?: string; reason?: string };
  /** Per region, when its JWKS has (or will have) the key; absent while stalled. */
  replicatedAt: Record<string, number | undefined>;
  /** The key it replaced, once activated. */
  previousKid?: string;
  privateKey: KeyObject;
  publicJwk: Jwk;
}

interface VaultTenant {
  tenantId: string;
  homeRegion: string;
  algorithm: WireAlgorithm;
  /** Oldest first. */
  keys: VaultKey[];
}

/** A tenant to seed, with the history of its keys (days before now). */
export interface SeedTenant {
  tenantId: string;
  homeRegion: string;
  algorithm: WireAlgorithm;
  /** Oldest first; the last one not revoked is active unless `state` says otherwise. */
  keys: Array<{
    origin: WireOriginType;
    activatedDaysAgo: number;
    state: WireKeyState;
    /** When it was retired (became verify-only) or revoked, days ago. */
    endedDaysAgo?: number;
    /** For verify-only: revoked this many days from now. */
    revokeInDays?: number;
  }>;
}

/** A bundle as content-bundler signs it: the payload and a detached signature. */
export interface SignedBundle {
  tenantId: string;
  kid: string;
  alg: WireAlgorithm;
  /** The bundle manifest (any text). */
  payload: string;
  /** base64url. */
  signature: string;
}

export type VerifyOutcome = { valid: true } | { valid: false; reason: string };

/** A refusal the contract answers with. */
export class SigningKeysFault extends Error {
  constructor(readonly error: SigningKeysError) {
    super(error.message);
    this.name = 'SigningKeysFault';
  }
}

const DAY_MS = 86_400_000;
const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

function newKeyPair(algorithm: WireAlgorithm): {
  privateKey: KeyObject;
  jwk: Omit<Jwk, 'kid' | 'alg' | 'use'>;
} {
  const { privateKey, publicKey } =
    algorithm === 'EdDSA'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' }) as {
    kty: string;
    crv: string;
    x: string;
    y?: string;
  };
  return {
    privateKey,
    jwk: {
      kty: jwk.kty,
      crv: jwk.crv,
      x: jwk.x,
      ...(jwk.y ? { y: jwk.y } : {}),
    },
  };
}

function signWith(algorithm: WireAlgorithm, key: KeyObject, data: Buffer) {
  return algorithm === 'EdDSA'
    ? sign(null, data, key)
    : sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
}

/**
 * content-service's key service as the sandbox runs it: per tenant, real key pairs
 * (Ed25519 or ECDSA P-256, from node:crypto; the private halves never leave this
 * object), the keys' states, and per region a JWKS that gets a new key after the
 * region's replication delay (a stalled region never does, until resumed). Rotation is
 * one key per operation id (a repeat answers the same kid); activation needs the key in
 * every region's JWKS; a revoked key leaves every JWKS at once (revocations are
 * replicated globally over NATS), a verify-only key with `revokeAt` is revoked then.
 */
export class SigningKeyVault {
  private readonly tenants = new Map<string, VaultTenant>();
  private readonly replication: Record<string, RegionReplication>;

  constructor(
    options: {
      replication?: Record<string, RegionReplication>;
      now?: () => number;
    } = {},
  ) {
    this.replication = Object.fromEntries(
      Object.entries(options.replication ?? DEFAULT_REPLICATION).map(
        ([region, r]) => [region, { ...r }],
      ),
    );
    this.now = options.now ?? Date.now;
  }

  readonly now: () => number;

  /** The regions whose JWKS the vault keeps. */
  regions(): string[] {
    return Object.keys(this.replication);
  }

  /** Adds tenants with their key history (their keys replicated everywhere long ago). */
  seed(tenants: readonly SeedTenant[]): void {
    const now = this.now();
    for (const seed of tenants) {
      const tenant: VaultTenant = {
        tenantId: seed.tenantId,
        homeRegion: seed.homeRegion,
        algorithm: seed.algorithm,
        keys: [],
      };
      for (const history of seed.keys) {
        const activatedAt = now - history.activatedDaysAgo * DAY_MS;
        const createdAt = activatedAt - 600_000;
        const ended =
          history.endedDaysAgo === undefined
            ? undefined
            : now - history.endedDaysAgo * DAY_MS;
        const key = this.newKey(tenant, {
          createdAt,
          origin: { type: history.origin },
          replicated: true,
        });
        key.state = history.state;
        if (history.state !== 'pending') key.activatedAt = activatedAt;
        if (history.state === 'verify-only' || history.state === 'revoked')
          key.retiredAt = ended;
        if (history.state === 'revoked') key.revokedAt = ended;
        if (history.revokeInDays !== undefined)
          key.revokeAt = now + history.revokeInDays * DAY_MS;
        tenant.keys.push(key);
      }
      this.tenants.set(seed.tenantId, tenant);
    }
  }

  /** Sets a region's delay, or stalls it; resuming replicates what it missed after the delay. */
  setReplication(region: string, replication: RegionReplication): void {
    this.replication[region] = { ...replication };
    if (replication.stalled) return;
    const now = this.now();
    for (const tenant of this.tenants.values())
      for (const key of tenant.keys)
        if (key.replicatedAt[region] === undefined)
          key.replicatedAt[region] = now + replication.delayMs;
  }

  tenantIds(): string[] {
    return [...this.tenants.keys()].sort();
  }

  /** A tenant's keys, newest first, with per-region replication. */
  list(tenantId: string): WireTenantKeys {
    const tenant = this.tenant(tenantId);
    this.settle(tenant);
    const now = this.now();
    return {
      tenantId: tenant.tenantId,
      homeRegion: tenant.homeRegion,
      keys: [...tenant.keys].reverse().map(key => this.wire(key, now)),
    };
  }

  /** Creates a pending key for the operation, or answers the one it created before. */
  rotate(request: RotateRequest): RotateReply {
    const tenant = this.tenant(request.tenantId);
    this.settle(tenant);
    const earlier = tenant.keys.find(
      k => k.origin.operationId === request.operationId,
    );
    if (earlier)
      return {
        ok: true,
        kid: earlier.kid,
        algorithm: earlier.algorithm,
        createdAt: iso(earlier.createdAt)!,
        repeated: true,
      };
    const pending = tenant.keys.find(k => k.state === 'pending');
    if (pending)
      throw new SigningKeysFault({
        code: 'rotation-in-progress',
        message: `${tenant.tenantId} has a key that is not activated yet (${
          pending.kid
        }, created by operation ${
          pending.origin.operationId ?? 'unknown'
        }); activate or revoke it first`,
      });
    const key = this.newKey(tenant, {
      createdAt: this.now(),
      origin: {
        type: request.mode,
        operationId: request.operationId,
        reason: request.reason,
      },
      replicated: false,
    });
    tenant.keys.push(key);
    return {
      ok: true,
      kid: key.kid,
      algorithm: key.algorithm,
      createdAt: iso(key.createdAt)!,
      repeated: false,
    };
  }

  /** Makes a replicated pending key the signing key; the active one becomes verify-only. */
  activate(request: ActivateRequest): ActivateReply {
    const tenant = this.tenant(request.tenantId);
    this.settle(tenant);
    const key = this.key(tenant, request.kid);
    const now = this.now();
    if (key.state === 'active')
      return {
        ok: true,
        kid: key.kid,
        activatedAt: iso(key.activatedAt)!,
        ...(key.previousKid ? { previousKid: key.previousKid } : {}),
        repeated: true,
      };
    if (key.state !== 'pending')
      throw new SigningKeysFault({
        code: 'invalid-state',
        message: `${key.kid} is ${key.state}; only a pending key can be activated`,
      });
    const missing = this.regions().filter(
      region => !this.inJwks(key, region, now),
    );
    if (missing.length)
      throw new SigningKeysFault({
        code: 'not-replicated',
        message: `${key.kid} is not in the JWKS of ${missing.join(
          ', ',
        )} yet; a bundle signed with it would not verify there`,
      });
    const previous = tenant.keys.find(k => k.state === 'active');
    if (previous) {
      previous.state = 'verify-only';
      previous.retiredAt = now;
      key.previousKid = previous.kid;
    }
    key.state = 'active';
    key.activatedAt = now;
    return {
      ok: true,
      kid: key.kid,
      activatedAt: iso(now)!,
      ...(previous ? { previousKid: previous.kid } : {}),
      repeated: false,
    };
  }

  /** Revokes a verify-only or pending key now, or (with `after`) at the end of a grace window. */
  revoke(request: RevokeRequest): RevokeReply {
    const tenant = this.tenant(request.tenantId);
    this.settle(tenant);
    const key = this.key(tenant, request.kid);
    const now = this.now();
    if (key.state === 'revoked')
      return {
        ok: true,
        kid: key.kid,
        state: key.state,
        revokedAt: iso(key.revokedAt)!,
      };
    if (key.state === 'active')
      throw new SigningKeysFault({
        code: 'invalid-state',
        message: `${key.kid} is the active key of ${tenant.tenantId}; activate another key first`,
      });
    const after = request.after ? Date.parse(request.after) : undefined;
    if (after !== undefined && after > now) {
      if (key.state !== 'verify-only')
        throw new SigningKeysFault({
          code: 'invalid-state',
          message: `${key.kid} is ${key.state}; only a verify-only key can be kept for a grace window`,
        });
      key.revokeAt = after;
      return {
        ok: true,
        kid: key.kid,
        state: key.state,
        revokeAt: iso(after)!,
      };
    }
    key.state = 'revoked';
    key.revokedAt = now;
    key.retiredAt = key.retiredAt ?? now;
    delete key.revokeAt;
    return { ok: true, kid: key.kid, state: key.state, revokedAt: iso(now)! };
  }

  /** The tenant's JWKS as `region` serves it now: its keys that are not revoked and have arrived. */
  jwks(tenantId: string, region: string): Jwk[] {
    if (!this.replication[region])
      throw new SigningKeysFault({
        code: 'bad-request',
        message: `no region ${region}`,
      });
    const tenant = this.tenant(tenantId);
    this.settle(tenant);
    const now = this.now();
    return tenant.keys
      .filter(key => this.inJwks(key, region, now))
      .reverse()
      .map(key => key.publicJwk);
  }

  /** Signs a bundle manifest with the tenant's active key (what content-bundler does). */
  signBundle(tenantId: string, payload: string): SignedBundle {
    const tenant = this.tenant(tenantId);
    this.settle(tenant);
    const key = tenant.keys.find(k => k.state === 'active');
    if (!key)
      throw new SigningKeysFault({
        code: 'invalid-state',
        message: `${tenantId} has no active key`,
      });
    return this.signWithKey(tenant, key, payload);
  }

  /**
   * Signs with a particular key whatever its state, as a holder of a leaked private key
   * could (for tests of revocation).
   */
  signWithKid(tenantId: string, kid: string, payload: string): SignedBundle {
    const tenant = this.tenant(tenantId);
    return this.signWithKey(tenant, this.key(tenant, kid), payload);
  }

  /**
   * Verifies a bundle as a device in `region` does: only with the public keys of the
   * region's JWKS (a revoked or not yet replicated kid does not verify).
   */
  verifyBundle(region: string, bundle: SignedBundle): VerifyOutcome {
    const jwk = this.jwks(bundle.tenantId, region).find(
      k => k.kid === bundle.kid,
    );
    if (!jwk)
      return {
        valid: false,
        reason: `${bundle.kid} is not in ${region}'s JWKS of ${bundle.tenantId} (revoked, unknown or not replicated)`,
      };
    if (jwk.alg !== bundle.alg)
      return {
        valid: false,
        reason: `${bundle.kid} is an ${jwk.alg} key, the bundle says ${bundle.alg}`,
      };
    const publicKey = createPublicKey({
      key: {
        kty: jwk.kty,
        crv: jwk.crv,
        x: jwk.x,
        ...(jwk.y ? { y: jwk.y } : {}),
      },
      format: 'jwk',
    });
    const data = Buffer.from(bundle.payload, 'utf8');
    const signature = Buffer.from(bundle.signature, 'base64url');
    const valid =
      jwk.alg === 'EdDSA'
        ? verify(null, data, publicKey, signature)
        : verify(
            'sha256',
            data,
            { key: publicKey, dsaEncoding: 'ieee-p1363' },
            signature,
          );
    return valid
      ? { valid: true }
      : { valid: false, reason: 'the signature does not match the payload' };
  }

  private signWithKey(
    tenant: VaultTenant,
    key: VaultKey,
    payload: string,
  ): SignedBundle {
    return {
      tenantId: tenant.tenantId,
      kid: key.kid,
      alg: key.algorithm,
      payload,
      signature: signWith(
        key.algorithm,
        key.privateKey,
        Buffer.from(payload, 'utf8'),
      ).toString('base64url'),
    };
  }

  private tenant(tenantId: string): VaultTenant {
    const tenant = this.tenants.get(tenantId);
    if (!tenant)
      throw new SigningKeysFault({
        code: 'unknown-tenant',
        message: `no tenant ${tenantId}`,
      });
    return tenant;
  }

  private key(tenant: VaultTenant, kid: string): VaultKey {
    const key = tenant.keys.find(k => k.kid === kid);
    if (!key)
      throw new SigningKeysFault({
        code: 'unknown-key',
        message: `${tenant.tenantId} has no key ${kid}`,
      });
    return key;
  }

  /** Applies grace windows that have ended. */
  private settle(tenant: VaultTenant): void {
    const now = this.now();
    for (const key of tenant.keys)
      if (
        key.state === 'verify-only' &&
        key.revokeAt !== undefined &&
        key.revokeAt <= now
      ) {
        key.state = 'revoked';
        key.revokedAt = key.revokeAt;
        delete key.revokeAt;
      }
  }

  private inJwks(key: VaultKey, region: string, now: number): boolean {
    const at = key.replicatedAt[region];
    return key.state !== 'revoked' && at !== undefined && at <= now;
  }

  private newKey(
    tenant: VaultTenant,
    options: {
      createdAt: number;
      origin: VaultKey['origin'];
      replicated: boolean;
    },
  ): VaultKey {
    const day = new Date(options.createdAt)
      .toISOString()
      .slice(0, 10)
      .replaceAll('-', '');
    const kid = `${tenant.tenantId}-${day}-${randomBytes(3).toString('hex')}`;
    const { privateKey, jwk } = newKeyPair(tenant.algorithm);
    const replicatedAt: Record<string, number | undefined> = {};
    for (const [region, r] of Object.entries(this.replication)) {
      if (options.replicated) replicatedAt[region] = options.createdAt;
      else if (!r.stalled) replicatedAt[region] = options.createdAt + r.delayMs;
    }
    return {
      kid,
      algorithm: tenant.algorithm,
      state: 'pending',
      createdAt: options.createdAt,
      origin: options.origin,
      replicatedAt,
      privateKey,
      publicJwk: { ...jwk, kid, alg: tenant.algorithm, use: 'sig' },
    };
  }

  private wire(key: VaultKey, now: number): WireSigningKey {
    const optional = (name: string, ms: number | undefined) =>
      ms === undefined ? {} : { [name]: iso(ms) };
    return {
      kid: key.kid,
      algorithm: key.algorithm,
      state: key.state,
      createdAt: iso(key.createdAt)!,
      ...optional('activatedAt', key.activatedAt),
      ...optional('retiredAt', key.retiredAt),
      ...optional('revokedAt', key.revokedAt),
      ...optional('revokeAt', key.revokeAt),
      origin: { ...key.origin },
      replication: Object.fromEntries(
        this.regions().map(region => {
          const at = key.replicatedAt[region];
          return [
            region,
            at !== undefined && at <= now
              ? { state: 'replicated' as const, at: iso(at)! }
              : { state: 'pending' as const },
          ];
        }),
      ),
    };
  }
}
