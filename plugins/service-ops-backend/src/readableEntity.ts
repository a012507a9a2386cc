import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { serviceOpsLiveReadPermission } from '@internal/backstage-plugin-service-ops-common';

/**
 * `refText` as a normalised entity reference (kind defaulting to component, namespace to
 * default).
 *
 * @throws InputError (400) for a malformed reference
 */
export function normalisedEntityRef(refText: string): string {
  try {
    return stringifyEntityRef(
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
}

/**
 * The entity named by `refText`, if it exists, the caller may read it in the catalog
 * (read with their credentials) and may read its live state (`service-ops.live.read`).
 * The two are asked at once; a missing entity is a 404 whatever the decision.
 *
 * @throws InputError (400) for a malformed reference, NotFoundError (404), NotAllowedError (403)
 */
export async function readableEntity(options: {
  refText: string;
  credentials: BackstageCredentials;
  catalog: CatalogService;
  permissions: PermissionsService;
}): Promise<Entity> {
  const { credentials } = options;
  const entityRef = normalisedEntityRef(options.refText);
  const [entity, [decision]] = await Promise.all([
    options.catalog.getEntityByRef(entityRef, { credentials }),
    options.permissions.authorize(
      [{ permission: serviceOpsLiveReadPermission, resourceRef: entityRef }],
      { credentials },
    ),
  ]);
  if (!entity)
    throw new NotFoundError(`no entity ${entityRef} (or you may not read it)`);
  if (decision.result !== AuthorizeResult.ALLOW)
    throw new NotAllowedError(
      `you may not read the live state of ${entityRef}`,
    );
  return entity;
}
