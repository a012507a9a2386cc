/**
 * The key-administration contract of content-service on the wire
 * (catalog/content-signing-keys.yaml, `api:default/content-signing-keys`): the subjects,
 * the JSON of requests and replies, and the parsing that turns a request into what the
 * key service acts on, or into a `bad-request` message that names each wrong field.
 * Core NATS request/reply; no JetStream stream may cover these subjects.
 */

/** The version token of the subjects. */
export const SIGNING_KEYS_VERSION = 'v1';

const PREFIX = `content.keys.${SIGNING_KEYS_VERSION}`;

/** `content.keys.v1.inventory`: every tenant's keys, a page at a time. */
export const SIGNING_KEYS_INVENTORY_SUBJECT = `${PREFIX}.inventory`;

/** The operations on one tenant's keys. */
export const TENANT_KEY_ACTIONS = [
  'list',
  'rotate',
  'activate',
  'revoke',
] as const;
export type TenantKeyAction = (typeof TENANT_KEY_ACTIONS)[number];

/** `content.keys.v1.tenant.<tenantId>.<action>`. */
export function tenantKeysSubject(
  tenantId: string,
  action: TenantKeyAction,
): string {
  return `${PREFIX}.tenant.${tenantId}.${action}`;
}

/** `content.keys.v1.<region>.jwks`: the tenant's JWKS as that region serves it. */
export function regionJwksSubject(region: string): string {
  return `${PREFIX}.${region}.jwks`;
}

/** A tenant id: lower-case letters, digits and dashes (a NATS subject token). */
export const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

export type SigningKeysErrorCode =
  | 'bad-request'
  | 'unknown-tenant'
  | 'unknown-key'
  | 'rotation-in-progress'
  | 'not-replicated'
  | 'invalid-state'
  | 'internal';

export interface SigningKeysError {
  code: SigningKeysErrorCode;
  message: string;
}

/** Every refusal: `{ ok: false, error }`. */
export interface SigningKeysRefused {
  ok: false;
  error: SigningKeysError;
}

export type WireKeyState = 'pending' | 'active' | 'verify-only' | 'revoked';
export type WireAlgorithm = 'EdDSA' | 'ES256';
export type WireOriginType = 'initial' | 'annual' | 'drill' | 'emergency';

/** A key as the contract reports it (never its private part). */
export interface WireSigningKey {
  kid: string;
  algorithm: WireAlgorithm;
  state: WireKeyState;
  createdAt: string;
  activatedAt?: string;
  retiredAt?: string;
  revokedAt?: string;
  revokeAt?: string;
  origin: { type: WireOriginType; operationId?: string; reason?: string };
  replication: Record<string, { state: 'replicated' | 'pending'; at?: string }>;
}

export interface WireTenantKeys {
  tenantId: string;
  homeRegion: string;
  /** Newest first. */
  keys: WireSigningKey[];
}

/** `inventory` request: `{ limit?: 1..500 (100), cursor?: string }`. */
export interface InventoryRequest {
  limit: number;
  cursor?: string;
}

export interface InventoryReply {
  ok: true;
  tenants: WireTenantKeys[];
  /** Present when there are more tenants: send it as `cursor`. */
  nextCursor?: string;
  totalTenants: number;
}

/** `list` reply. */
export interface ListReply {
  ok: true;
  tenant: WireTenantKeys;
}

/** `rotate` request: creates a new (pending) key; one per `operationId`. */
export interface RotateRequest {
  tenantId: string;
  operationId: string;
  mode: 'emergency' | 'drill';
  reason: string;
}

export interface RotateReply {
  ok: true;
  kid: string;
  algorithm: WireAlgorithm;
  createdAt: string;
  /** True when an earlier request of the operation created it. */
  repeated: boolean;
}

/** `activate` request: the key signs from now on; the one it replaces becomes verify-only. */
export interface ActivateRequest {
  tenantId: string;
  operationId: string;
  kid: string;
}

export interface ActivateReply {
  ok: true;
  kid: string;
  activatedAt: string;
  /** The key it replaced (now verify-only), if any. */
  previousKid?: string;
  repeated: boolean;
}

/**
 * `revoke` request: revokes a verify-only or pending key now, or, with `after`, keeps a
 * verify-only key until then (a drill's grace window).
 */
export interface RevokeRequest {
  tenantId: string;
  operationId: string;
  kid: string;
  reason: string;
  after?: string;
}

export interface RevokeReply {
  ok: true;
  kid: string;
  state: WireKeyState;
  revokedAt?: string;
  revokeAt?: string;
}

/** `jwks` request. */
export interface JwksRequest {
  tenantId: string;
}

/** A public key as RFC 7517 writes it. */
export interface Jwk {
  kty: string;
  crv: string;
  x: string;
  y?: string;
  kid: string;
  alg: WireAlgorithm;
  use: 'sig';
}

export interface JwksReply {
  ok: true;
  tenantId: string;
  region: string;
  keys: Jwk[];
}

/** A parsed request, or the problems that make it a bad request. */
export type ParsedRequest<T> =
  | { ok: true; value: T }
  | { ok: false; message: string };

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

type Body = Record<string, unknown>;

function readBody(data: string): ParsedRequest<Body> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    return {
      ok: false,
      message: `the payload is not JSON: ${(error as Error).message}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: 'the payload must be a JSON object' };
  return { ok: true, value: value as Body };
}

/** Collects each field's problem; `done` gives the value or every problem in one message. */
class Checker {
  readonly problems: string[] = [];
  constructor(private readonly body: Body) {}

  string(name: string, options: { optional?: boolean; max?: number } = {}) {
    const value = this.body[name];
    if (value === undefined || value === null) {
      if (!options.optional) this.problems.push(`${name} is required`);
      return undefined;
    }
    if (typeof value !== 'string' || !value.trim()) {
      this.problems.push(
        `${name} must be a non-empty string, got ${JSON.stringify(value)}`,
      );
      return undefined;
    }
    if (options.max !== undefined && value.length > options.max) {
      this.problems.push(`${name} may have at most ${options.max} characters`);
      return undefined;
    }
    return value;
  }

  /** A string field that must say what the subject says. */
  same(name: string, expected: string) {
    const value = this.string(name);
    if (value !== undefined && value !== expected)
      this.problems.push(
        `${name} ${JSON.stringify(
          value,
        )} does not match the subject's ${JSON.stringify(expected)}`,
      );
    return expected;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const value = this.body[name];
    if (value === undefined || value === null) {
      this.problems.push(`${name} is required (one of ${values.join(', ')})`);
      return undefined;
    }
    if (!values.includes(value as T)) {
      this.problems.push(
        `${name} must be one of ${values.join(', ')}, got ${JSON.stringify(
          value,
        )}`,
      );
      return undefined;
    }
    return value as T;
  }

  dateTime(name: string) {
    const value = this.string(name, { optional: true });
    if (value === undefined) return undefined;
    if (!ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value))) {
      this.problems.push(
        `${name} must be an ISO-8601 date-time with a time zone (such as 2026-12-01T12:00:00Z), got ${JSON.stringify(
          value,
        )}`,
      );
      return undefined;
    }
    return value;
  }

  wholeNumber(name: string, min: number, max: number, fallback: number) {
    const value = this.body[name];
    if (value === undefined || value === null) return fallback;
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < min ||
      value > max
    ) {
      this.problems.push(
        `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(
          value,
        )}`,
      );
      return fallback;
    }
    return value;
  }

  unknownFields(known: readonly string[]) {
    for (const name of Object.keys(this.body))
      if (!known.includes(name)) this.problems.push(`${name} is not a field`);
  }

  done<T>(value: () => T): ParsedRequest<T> {
    if (this.problems.length)
      return { ok: false, message: this.problems.join('; ') };
    return { ok: true, value: value() };
  }
}

function check<T>(
  data: string,
  fields: readonly string[],
  read: (c: Checker) => () => T,
): ParsedRequest<T> {
  const body = readBody(data);
  if (!body.ok) return body;
  const checker = new Checker(body.value);
  const build = read(checker);
  checker.unknownFields(fields);
  return checker.done(build);
}

export function parseInventoryRequest(
  data: string,
): ParsedRequest<InventoryRequest> {
  return check(data, ['limit', 'cursor'], c => {
    const limit = c.wholeNumber('limit', 1, 500, 100);
    const cursor = c.string('cursor', { optional: true, max: 200 });
    return () => ({ limit, ...(cursor ? { cursor } : {}) });
  });
}

/** `list` takes `{ tenantId }` (as in the subject). */
export function parseListRequest(
  data: string,
  tenantId: string,
): ParsedRequest<{ tenantId: string }> {
  return check(data, ['tenantId'], c => {
    c.same('tenantId', tenantId);
    return () => ({ tenantId });
  });
}

export function parseRotateRequest(
  data: string,
  tenantId: string,
): ParsedRequest<RotateRequest> {
  return check(data, ['tenantId', 'operationId', 'mode', 'reason'], c => {
    c.same('tenantId', tenantId);
    const operationId = c.string('operationId', { max: 200 });
    const mode = c.oneOf('mode', ['emergency', 'drill'] as const);
    const reason = c.string('reason', { max: 2000 });
    return () => ({
      tenantId,
      operationId: operationId!,
      mode: mode!,
      reason: reason!,
    });
  });
}

export function parseActivateRequest(
  data: string,
  tenantId: string,
): ParsedRequest<ActivateRequest> {
  return check(data, ['tenantId', 'operationId', 'kid'], c => {
    c.same('tenantId', tenantId);
    const operationId = c.string('operationId', { max: 200 });
    const kid = c.string('kid', { max: 200 });
    return () => ({ tenantId, operationId: operationId!, kid: kid! });
  });
}

export function parseRevokeRequest(
  data: string,
  tenantId: string,
): ParsedRequest<RevokeRequest> {
  return check(
    data,
    ['tenantId', 'operationId', 'kid', 'reason', 'after'],
    c => {
      c.same('tenantId', tenantId);
      const operationId = c.string('operationId', { max: 200 });
      const kid = c.string('kid', { max: 200 });
      const reason = c.string('reason', { max: 2000 });
      const after = c.dateTime('after');
      return () => ({
        tenantId,
        operationId: operationId!,
        kid: kid!,
        reason: reason!,
        ...(after ? { after } : {}),
      });
    },
  );
}

export function parseJwksRequest(data: string): ParsedRequest<JwksRequest> {
  return check(data, ['tenantId'], c => {
    const tenantId = c.string('tenantId', { max: 63 });
    if (tenantId !== undefined && !TENANT_ID.test(tenantId))
      c.problems.push(
        `tenantId must be lower-case letters, digits and dashes, got ${JSON.stringify(
          tenantId,
        )}`,
      );
    return () => ({ tenantId: tenantId! });
  });
}
