import { connect } from '@nats-io/transport-node';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import type { TrafficLogger } from '../types';
import {
  parseActivateRequest,
  parseInventoryRequest,
  parseJwksRequest,
  parseListRequest,
  parseRevokeRequest,
  parseRotateRequest,
  ParsedRequest,
  regionJwksSubject,
  SIGNING_KEYS_INVENTORY_SUBJECT,
  SigningKeysRefused,
  TENANT_ID,
  TENANT_KEY_ACTIONS,
  TenantKeyAction,
  tenantKeysSubject,
} from './signingKeysContract';
import { SigningKeysFault, SigningKeyVault } from './SigningKeyVault';

export interface SigningKeyResponderOptions {
  /** The nats-server to answer on. */
  servers: string | string[];
  vault: SigningKeyVault;
  logger?: TrafficLogger;
}

const noLogger: TrafficLogger = { info: () => {}, warn: () => {} };

/**
 * content-service's side of the key-administration contract
 * (catalog/content-signing-keys.yaml) over core NATS request/reply: the inventory, one
 * responder per tenant action on `content.keys.v1.tenant.*.<action>` (so an unknown
 * tenant is refused, never left without a reply), and one JWKS responder per region on
 * `content.keys.v1.<region>.jwks`. Requests are checked here (`bad-request` names every
 * wrong field); the vault decides the rest. Its own connection, reconnecting forever.
 */
export class SigningKeyResponder {
  private readonly logger: TrafficLogger;
  /** Regions whose JWKS responder is switched off (a region that does not answer). */
  private readonly silent = new Set<string>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly options: SigningKeyResponderOptions,
  ) {
    this.logger = options.logger ?? noLogger;
  }

  static async start(
    options: SigningKeyResponderOptions,
  ): Promise<SigningKeyResponder> {
    const nc = await connect({
      servers: options.servers,
      name: 'sandbox-signing-keys',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      waitOnFirstConnect: true,
    });
    const responder = new SigningKeyResponder(nc, options);
    responder.subscribe();
    await nc.flush();
    return responder;
  }

  /** Makes a region's JWKS responder stop answering (or answer again). */
  setRegionAnswering(region: string, answering: boolean): void {
    if (answering) this.silent.delete(region);
    else this.silent.add(region);
  }

  describe(): string {
    return `sandbox signing keys: ${
      this.options.vault.tenantIds().length
    } tenants (${SIGNING_KEYS_INVENTORY_SUBJECT}, ${tenantKeysSubject(
      '<tenant>',
      'list',
    )}|rotate|activate|revoke, ${regionJwksSubject('<region>')})`;
  }

  async stop(): Promise<void> {
    if (this.nc.isClosed()) return;
    await this.nc
      .drain()
      .catch(() => this.nc.close())
      .catch(error =>
        this.logger.warn(`sandbox signing keys: closing failed: ${error}`),
      );
  }

  private subscribe() {
    const { vault } = this.options;
    this.on(SIGNING_KEYS_INVENTORY_SUBJECT, msg => {
      const parsed = parseInventoryRequest(msg.string());
      if (!parsed.ok) return badRequest(parsed);
      const ids = vault.tenantIds();
      const start = parsed.value.cursor
        ? ids.findIndex(id => id > parsed.value.cursor!)
        : 0;
      const page =
        start < 0 ? [] : ids.slice(start, start + parsed.value.limit);
      const last = page[page.length - 1];
      const more = last !== undefined && ids[ids.length - 1] !== last;
      return {
        ok: true,
        tenants: page.map(id => vault.list(id)),
        ...(more ? { nextCursor: last } : {}),
        totalTenants: ids.length,
      };
    });
    for (const action of TENANT_KEY_ACTIONS)
      this.on(tenantKeysSubject('*', action), msg =>
        this.tenantAction(action, msg),
      );
    for (const region of vault.regions())
      this.on(
        regionJwksSubject(region),
        msg => {
          const parsed = parseJwksRequest(msg.string());
          if (!parsed.ok) return badRequest(parsed);
          return {
            ok: true,
            tenantId: parsed.value.tenantId,
            region,
            keys: vault.jwks(parsed.value.tenantId, region),
          };
        },
        () => !this.silent.has(region),
      );
  }

  private tenantAction(action: TenantKeyAction, msg: Msg): object {
    const { vault } = this.options;
    const tenantId = msg.subject.split('.')[4] ?? '';
    if (!TENANT_ID.test(tenantId))
      return refused(
        'bad-request',
        `the subject's tenant ${JSON.stringify(
          tenantId,
        )} must be lower-case letters, digits and dashes`,
      );
    const data = msg.string();
    switch (action) {
      case 'list': {
        const parsed = parseListRequest(data, tenantId);
        if (!parsed.ok) return badRequest(parsed);
        return { ok: true, tenant: vault.list(tenantId) };
      }
      case 'rotate': {
        const parsed = parseRotateRequest(data, tenantId);
        if (!parsed.ok) return badRequest(parsed);
        const reply = vault.rotate(parsed.value);
        if (!reply.repeated)
          this.logger.info(
            `sandbox signing keys: ${tenantId} new key ${reply.kid} (${parsed.value.mode}, operation ${parsed.value.operationId})`,
          );
        return reply;
      }
      case 'activate': {
        const parsed = parseActivateRequest(data, tenantId);
        if (!parsed.ok) return badRequest(parsed);
        const reply = vault.activate(parsed.value);
        if (!reply.repeated)
          this.logger.info(
            `sandbox signing keys: ${tenantId} signs with ${reply.kid}${
              reply.previousKid ? ` (${reply.previousKid} verify-only)` : ''
            }`,
          );
        return reply;
      }
      case 'revoke': {
        const parsed = parseRevokeRequest(data, tenantId);
        if (!parsed.ok) return badRequest(parsed);
        const reply = vault.revoke(parsed.value);
        this.logger.info(
          `sandbox signing keys: ${tenantId} ${reply.kid} ${
            reply.revokeAt ? `revoked at ${reply.revokeAt}` : reply.state
          }`,
        );
        return reply;
      }
      default:
        return refused('bad-request', `unknown action ${action}`);
    }
  }

  private on(
    subject: string,
    handle: (msg: Msg) => object,
    answering: () => boolean = () => true,
  ) {
    this.nc.subscribe(subject, {
      callback: (error, msg) => {
        if (error) {
          this.logger.warn(`sandbox signing keys: ${error}`);
          return;
        }
        if (!answering() || !msg.reply) return;
        let reply: object;
        try {
          reply = handle(msg);
        } catch (fault) {
          if (fault instanceof SigningKeysFault)
            reply = { ok: false, error: fault.error };
          else {
            this.logger.warn(
              `sandbox signing keys: ${msg.subject} failed: ${
                (fault as Error).stack ?? fault
              }`,
            );
            reply = refused('internal', String(fault));
          }
        }
        msg.respond(JSON.stringify(reply));
      },
    });
  }
}

function refused(
  code: SigningKeysRefused['error']['code'],
  message: string,
): SigningKeysRefused {
  return { ok: false, error: { code, message } };
}

function badRequest(parsed: ParsedRequest<unknown> & { ok: false }) {
  return refused('bad-request', parsed.message);
}
