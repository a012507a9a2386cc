import { ServiceUnavailableError } from '@backstage/errors';
import {
  KEY_STATES,
  SigningKey,
  SIGNING_ALGORITHMS,
  TenantKeys,
} from '@internal/backstage-plugin-service-ops-common';
import { JetStreamConnection } from '../backlog/JetStreamConnection';

/** Why the key service refused a request (its `error.code`). */
export type KeyServiceErrorCode =
  | 'bad-request'
  | 'unknown-tenant'
  | 'unknown-key'
  | 'rotation-in-progress'
  | 'not-replicated'
  | 'invalid-state'
  | 'internal'
  | 'bad-reply';

/** A refusal by the key service, with its code and message. */
export class KeyServiceRefusal extends Error {
  constructor(readonly code: KeyServiceErrorCode, message: string) {
    super(message);
    this.name = 'KeyServiceRefusal';
  }
}

/** The `content.signing_key.rotated.v1` event. */
export interface KeyRotatedEvent {
  eventId: string;
  occurredAt: string;
  tenantId: string;
  mode: 'emergency' | 'drill';
  newKid: string;
  previousKid?: string;
  previousKidState?: 'revoked' | 'verify-only';
  previousKidRevokeAt?: string;
  operationId: string;
  requestedBy: string;
  approvedBy: string[];
  reason: string;
  incidentUrl?: string;
}

export const KEY_ROTATED_SUBJECT = 'content.signing_key.rotated.v1';
const PREFIX = 'content.keys.v1';
const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

type Reply = Record<string, unknown>;

/**
 * The portal's side of content-service's key-administration contract
 * (`api:default/content-signing-keys`) over the backend's NATS connection: the
 * inventory, one tenant's keys, rotate, activate, revoke, a region's JWKS, and the
 * rotated event. Replies are checked and mapped to the common types here; a refusal is a
 * {@link KeyServiceRefusal}, no answer a ServiceUnavailableError.
 */
export class SigningKeyAdministration {
  constructor(
    private readonly connection: JetStreamConnection,
    private readonly timeoutMs = 5000,
  ) {}

  /** NATS's state in words when it cannot carry a request now; `undefined` when it can. */
  unavailable(): string | undefined {
    const health = this.connection.health();
    if (health.state === 'connected') return undefined;
    if (health.state === 'not-configured')
      return 'NATS is not configured (serviceOps.nats), so content-service cannot be asked';
    return `NATS is ${health.state}${
      health.lastError ? `: ${health.lastError.message}` : ''
    }`;
  }

  /** Every tenant's keys (all pages of the inventory). */
  async inventory(): Promise<TenantKeys[]> {
    const tenants: TenantKeys[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const reply = await this.ask(`${PREFIX}.inventory`, {
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      if (!Array.isArray(reply.tenants))
        throw badReply('inventory', 'tenants is not a list');
      tenants.push(...reply.tenants.map(t => toTenantKeys(t)));
      cursor =
        typeof reply.nextCursor === 'string' ? reply.nextCursor : undefined;
      if (!cursor) return tenants;
    }
    throw badReply('inventory', 'more than 1000 pages');
  }

  async list(tenantId: string): Promise<TenantKeys> {
    const reply = await this.ask(subject(tenantId, 'list'), { tenantId });
    return toTenantKeys(reply.tenant);
  }

  async rotate(request: {
    tenantId: string;
    operationId: string;
    mode: 'emergency' | 'drill';
    reason: string;
  }): Promise<{ kid: string; createdAt: string; repeated: boolean }> {
    const reply = await this.ask(subject(request.tenantId, 'rotate'), request);
    return {
      kid: text(reply.kid, 'rotate: kid'),
      createdAt: text(reply.createdAt, 'rotate: createdAt'),
      repeated: reply.repeated === true,
    };
  }

  async activate(request: {
    tenantId: string;
    operationId: string;
    kid: string;
  }): Promise<{ kid: string; activatedAt: string; previousKid?: string }> {
    const reply = await this.ask(
      subject(request.tenantId, 'activate'),
      request,
    );
    return {
      kid: text(reply.kid, 'activate: kid'),
      activatedAt: text(reply.activatedAt, 'activate: activatedAt'),
      ...(typeof reply.previousKid === 'string'
        ? { previousKid: reply.previousKid }
        : {}),
    };
  }

  async revoke(request: {
    tenantId: string;
    operationId: string;
    kid: string;
    reason: string;
    after?: string;
  }): Promise<{ state: string; revokedAt?: string; revokeAt?: string }> {
    const reply = await this.ask(subject(request.tenantId, 'revoke'), request);
    return {
      state: text(reply.state, 'revoke: state'),
      ...(typeof reply.revokedAt === 'string'
        ? { revokedAt: reply.revokedAt }
        : {}),
      ...(typeof reply.revokeAt === 'string'
        ? { revokeAt: reply.revokeAt }
        : {}),
    };
  }

  /** The kids in a region's JWKS of the tenant. */
  async jwksKids(region: string, tenantId: string): Promise<string[]> {
    const reply = await this.ask(`${PREFIX}.${region}.jwks`, { tenantId });
    if (!Array.isArray(reply.keys))
      throw badReply('jwks', 'keys is not a list');
    return reply.keys.map(k => text((k as Reply)?.kid, 'jwks: kid'));
  }

  /** Publishes the rotated event once per event id (JetStream de-duplication). */
  async publishRotated(
    event: KeyRotatedEvent,
  ): Promise<{ stream: string; seq: number; duplicate: boolean }> {
    return this.connection.publish(KEY_ROTATED_SUBJECT, event, {
      msgId: event.eventId,
      timeoutMs: this.timeoutMs,
    });
  }

  private async ask(subjectName: string, payload: unknown): Promise<Reply> {
    const unavailable = this.unavailable();
    if (unavailable) throw new ServiceUnavailableError(unavailable);
    const answer = await this.connection.request(
      subjectName,
      payload,
      this.timeoutMs,
    );
    let reply: unknown;
    try {
      reply = JSON.parse(answer);
    } catch {
      throw new KeyServiceRefusal(
        'bad-reply',
        `${subjectName} answered what is not JSON: ${answer.slice(0, 200)}`,
      );
    }
    if (!reply || typeof reply !== 'object')
      throw new KeyServiceRefusal(
        'bad-reply',
        `${subjectName} answered ${answer.slice(0, 200)}`,
      );
    const body = reply as Reply;
    if (body.ok === true) return body;
    const error = (body.error ?? {}) as { code?: unknown; message?: unknown };
    throw new KeyServiceRefusal(
      (typeof error.code === 'string'
        ? error.code
        : 'bad-reply') as KeyServiceErrorCode,
      typeof error.message === 'string'
        ? error.message
        : `${subjectName} answered ${answer.slice(0, 200)}`,
    );
  }
}

function subject(tenantId: string, action: string): string {
  // A tenant id is a subject token: never let one add tokens or wildcards.
  if (!TENANT_ID.test(tenantId))
    throw new KeyServiceRefusal(
      'bad-request',
      `tenant ${JSON.stringify(
        tenantId,
      )} must be lower-case letters, digits and dashes`,
    );
  return `${PREFIX}.tenant.${tenantId}.${action}`;
}

function badReply(what: string, why: string) {
  return new KeyServiceRefusal('bad-reply', `${what}: ${why}`);
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw badReply(what, 'missing');
  return value;
}

function toKey(value: unknown): SigningKey {
  const k = (value ?? {}) as Reply;
  const state = k.state as SigningKey['state'];
  const algorithm = k.algorithm as SigningKey['algorithm'];
  if (!KEY_STATES.includes(state))
    throw badReply('key', `state ${JSON.stringify(k.state)}`);
  if (!SIGNING_ALGORITHMS.includes(algorithm))
    throw badReply('key', `algorithm ${JSON.stringify(k.algorithm)}`);
  const optional = (name: string) =>
    typeof k[name] === 'string' ? { [name]: k[name] as string } : {};
  const origin = (k.origin ?? {}) as Reply;
  const replication = (k.replication ?? {}) as Record<string, Reply>;
  return {
    kid: text(k.kid, 'key: kid'),
    algorithm,
    state,
    createdAt: text(k.createdAt, 'key: createdAt'),
    ...optional('activatedAt'),
    ...optional('retiredAt'),
    ...optional('revokedAt'),
    ...optional('revokeAt'),
    origin: {
      type: (['initial', 'annual', 'drill', 'emergency'].includes(
        origin.type as string,
      )
        ? origin.type
        : 'initial') as SigningKey['origin']['type'],
      ...(typeof origin.operationId === 'string'
        ? { operationId: origin.operationId }
        : {}),
      ...(typeof origin.reason === 'string' ? { reason: origin.reason } : {}),
    },
    replication: Object.fromEntries(
      Object.entries(replication).map(([region, r]) => [
        region,
        {
          state: r?.state === 'replicated' ? 'replicated' : 'pending',
          ...(typeof r?.at === 'string' ? { at: r.at } : {}),
        },
      ]),
    ),
  };
}

function toTenantKeys(value: unknown): TenantKeys {
  const t = (value ?? {}) as Reply;
  if (!Array.isArray(t.keys)) throw badReply('tenant', 'keys is not a list');
  return {
    tenantId: text(t.tenantId, 'tenant: tenantId'),
    homeRegion: text(t.homeRegion, 'tenant: homeRegion'),
    keys: t.keys.map(toKey),
  };
}
