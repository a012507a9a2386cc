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
 * The entity named by `refText`, if it exists, the caller may read it in the catalog
 * (read with their credentials) and may read its live state (`service-ops.live.read`).
 *
 * @throws InputError (400) for a malformed reference, NotFoundError (404), NotAllowedError (403)
 */
export async function readableEntity(options: {
  refText: string;
  credentials: BackstageCredentials;
  catalog: CatalogService;
  permissions: PermissionsService;
}): Promise<Entity> {
  const { refText, credentials } = options;
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
  const entity = await options.catalog.getEntityByRef(entityRef, {
    credentials,
  });
  if (!entity)
    throw new NotFoundError(`no entity ${entityRef} (or you may not read it)`);
  const [decision] = await options.permissions.authorize(
    [{ permission: serviceOpsLiveReadPermission, resourceRef: entityRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW)
    throw new NotAllowedError(
      `you may not read the live state of ${entityRef}`,
    );
  return entity;
}
