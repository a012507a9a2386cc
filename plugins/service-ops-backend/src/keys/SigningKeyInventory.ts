import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  AnnualRotationStatus,
  DrillStatus,
  KeyInventory,
  KeyInventoryItem,
  quarterStart,
  serviceOpsKeysReadPermission,
  summarizeTenantKeys,
  TenantKeys,
} from '@internal/backstage-plugin-service-ops-common';
import {
  KeyServiceRefusal,
  SigningKeyAdministration,
} from './SigningKeyAdministration';
import { KeySettings } from './readKeySettings';

export const INVENTORY_SORTS = [
  'tenant',
  'age',
  'rotation-due',
  'last-drill',
] as const;
export type InventorySort = (typeof INVENTORY_SORTS)[number];

/** What the inventory is asked for (validated by the route). */
export interface InventoryQuery {
  entityRef: string;
  /** Part of a tenant id or kid, any case. */
  q?: string;
  homeRegion?: string;
  rotation?: AnnualRotationStatus;
  drill?: DrillStatus;
  /** Only tenants whose active key some region lacks. */
  notReplicated?: boolean;
  sort: InventorySort;
  limit: number;
  offset: number;
}

const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/** A tenant's keys with its inventory row. */
export interface TenantKeysResponse extends TenantKeys {
  item: KeyInventoryItem;
}

/**
 * The signing-key inventory behind the signing container's entity: every tenant's keys
 * read from content-service (all pages, reused for `cacheSeconds`, one read at a time),
 * summarized per tenant (active kid and age, annual rotation, drill against the
 * quarter, replication), filtered, sorted and paged. Every call reads the entity with
 * the caller's credentials and checks `service-ops.keys.read` on it.
 */
export class SigningKeyInventory {
  private cache?: { at: number; tenants: TenantKeys[] };
  private reading?: Promise<TenantKeys[]>;

  constructor(
    private readonly deps: {
      catalog: CatalogService;
      permissions: PermissionsService;
      keys: SigningKeyAdministration;
      settings: KeySettings;
      now?: () => number;
    },
  ) {}

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  /** The signing container's entity, when it exists, is the signing container and the caller may read it. */
  async signingEntity(
    refText: string,
    credentials: BackstageCredentials,
    permission:
      | BasicPermission
      | ResourcePermission = serviceOpsKeysReadPermission,
    denied?: string,
  ): Promise<Entity> {
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(
        parseEntityRef(refText, {
          defaultKind: 'component',
          defaultNamespace: 'default',
        }),
      );
    } catch (error) {
      throw new InputError(
        `entityRef '${refText}' is not an entity reference: ${
          (error as Error).message
        }`,
      );
    }
    const entity = await this.deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity)
      throw new NotFoundError(
        `no entity ${entityRef} (or you may not read it)`,
      );
    const container =
      entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION] ??
      entity.metadata.name;
    if (container !== this.deps.settings.container)
      throw new InputError(
        `signing keys belong to ${this.deps.settings.container}, not to ${entityRef}`,
      );
    const [decision] = await this.deps.permissions.authorize(
      [
        permission.type === 'resource'
          ? { permission, resourceRef: entityRef }
          : { permission },
      ],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        denied ?? `you may not read the signing keys of ${entityRef}`,
      );
    return entity;
  }

  /** Every tenant's keys, from the cache when it is fresh. */
  async tenants(): Promise<TenantKeys[]> {
    const now = this.now();
    if (
      this.cache &&
      now - this.cache.at < this.deps.settings.cacheSeconds * 1000
    )
      return this.cache.tenants;
    if (!this.reading)
      this.reading = this.deps.keys
        .inventory()
        .then(tenants => {
          this.cache = { at: this.now(), tenants };
          return tenants;
        })
        .catch(error => {
          throw unavailable(error);
        })
        .finally(() => {
          this.reading = undefined;
        });
    return this.reading;
  }

  /** Forgets the cached inventory (after a rotation changed keys). */
  invalidate(): void {
    this.cache = undefined;
  }

  async inventory(
    query: InventoryQuery,
    credentials: BackstageCredentials,
  ): Promise<KeyInventory> {
    await this.signingEntity(query.entityRef, credentials);
    const tenants = await this.tenants();
    const now = this.now();
    const all = tenants.map(t => ({
      tenant: t,
      item: summarizeTenantKeys(t, now, this.deps.settings.policy),
    }));
    const notReplicated = (item: KeyInventoryItem) =>
      this.deps.settings.regions.some(
        r => item.replication[r] !== 'replicated',
      );
    const q = query.q?.toLocaleLowerCase('en-US');
    const filtered = all.filter(({ tenant, item }) => {
      if (
        q &&
        !tenant.tenantId.includes(q) &&
        !tenant.keys.some(k => k.kid.toLocaleLowerCase('en-US').includes(q))
      )
        return false;
      if (query.homeRegion && item.homeRegion !== query.homeRegion)
        return false;
      if (query.rotation && item.rotation !== query.rotation) return false;
      if (query.drill && item.drill !== query.drill) return false;
      if (query.notReplicated && !(item.activeKid && notReplicated(item)))
        return false;
      return true;
    });
    const items = filtered.map(f => f.item);
    items.sort(comparator(query.sort));
    const count = (predicate: (item: KeyInventoryItem) => boolean) =>
      all.filter(({ item }) => predicate(item)).length;
    return {
      items: items.slice(query.offset, query.offset + query.limit),
      totalCount: items.length,
      summary: {
        tenants: all.length,
        rotationOverdue: count(i => i.rotation === 'overdue'),
        rotationDueSoon: count(i => i.rotation === 'due-soon'),
        drillOverdue: count(i => i.drill === 'overdue'),
        drillDue: count(i => i.drill === 'due'),
        notReplicated: count(i => !!i.activeKid && notReplicated(i)),
      },
      quarterEndsAt: new Date(quarterStart(now, 1)).toISOString(),
      generatedAt: new Date(this.cache?.at ?? now).toISOString(),
    };
  }

  /** One tenant's keys, read from content-service now (not the cache). */
  async tenant(
    options: { entityRef: string; tenantId: string },
    credentials: BackstageCredentials,
  ): Promise<TenantKeysResponse> {
    await this.signingEntity(options.entityRef, credentials);
    let tenant: TenantKeys;
    try {
      tenant = await this.deps.keys.list(options.tenantId);
    } catch (error) {
      if (error instanceof KeyServiceRefusal && error.code === 'unknown-tenant')
        throw new NotFoundError(
          `content-service has no tenant ${options.tenantId}`,
        );
      throw unavailable(error);
    }
    return {
      ...tenant,
      item: summarizeTenantKeys(tenant, this.now(), this.deps.settings.policy),
    };
  }
}

/** content-service did not answer, or answered with a refusal: a 503 that says so. */
function unavailable(error: unknown): Error {
  if (error instanceof ServiceUnavailableError) return error;
  if (error instanceof KeyServiceRefusal)
    return new ServiceUnavailableError(
      `content-service refused the request (${error.code}): ${error.message}`,
    );
  return error as Error;
}

function comparator(
  sort: InventorySort,
): (a: KeyInventoryItem, b: KeyInventoryItem) => number {
  const byTenant = (a: KeyInventoryItem, b: KeyInventoryItem) =>
    a.tenantId.localeCompare(b.tenantId);
  const then =
    (value: (i: KeyInventoryItem) => number) =>
    (a: KeyInventoryItem, b: KeyInventoryItem) =>
      value(a) - value(b) || byTenant(a, b);
  switch (sort) {
    case 'age':
      return then(i => -(i.ageDays ?? Number.MAX_SAFE_INTEGER));
    case 'rotation-due':
      return then(i => i.daysToRotation ?? Number.MIN_SAFE_INTEGER);
    case 'last-drill':
      return then(i => (i.lastDrillAt ? Date.parse(i.lastDrillAt) : 0));
    default:
      return byTenant;
  }
}
