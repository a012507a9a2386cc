import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotAllowedError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { readableEntity } from '../readableEntity';
import {
  DeclaredContainer,
  readDeclaredContainer,
} from '@internal/backstage-plugin-service-ops-common';

/**
 * Every permission check of the backlog routes: an entity through the catalog with the
 * caller's credentials plus `service-ops.live.read` on it; the saga permissions.
 */
export class BacklogAccess {
  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
  ) {}

  /** The entity, if it exists and the caller may read it and its live state. */
  entity(refText: string, credentials: BackstageCredentials): Promise<Entity> {
    return readableEntity({
      refText,
      credentials,
      catalog: this.catalog,
      permissions: this.permissions,
    });
  }

  /** The declared model of the entity's containers: itself, or its parts. */
  async declaredContainers(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<Map<string, DeclaredContainer>> {
    const own = readDeclaredContainer(entity);
    if (own.kind === 'container')
      return new Map([[own.container.container, own.container]]);
    const { items } = await this.catalog.getEntities(
      {
        filter: {
          [`relations.${RELATION_PART_OF}`]: stringifyEntityRef(entity),
        },
      },
      { credentials },
    );
    const declared = new Map<string, DeclaredContainer>();
    for (const part of items) {
      const read = readDeclaredContainer(part);
      if (read.kind === 'container')
        declared.set(read.container.container, read.container);
    }
    return declared;
  }

  /** @throws NotAllowedError unless the caller holds the (basic) permission */
  async require(
    permission: BasicPermission,
    credentials: BackstageCredentials,
  ): Promise<void> {
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(`you may not ${permission.name}`);
  }
}
