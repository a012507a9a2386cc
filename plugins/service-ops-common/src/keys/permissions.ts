import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Reading the signing-key inventory served through the signing container's entity
 * (content-bundler): kids, ages, states, replication. No key material ever leaves the
 * key service.
 */
export const serviceOpsKeysReadPermission = createPermission({
  name: 'service-ops.keys.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Requesting (and cancelling) a signing-key rotation of tenants, emergency or drill, on
 * the signing container's entity. A resource permission, so a policy can give it to the
 * entity's owners and the platform on-call group.
 */
export const serviceOpsKeyRotationPermission = createPermission({
  name: 'service-ops.operation.key-rotation',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approving someone else's key rotation (the second person); never one's own.
 */
export const serviceOpsKeyRotationApprovePermission = createPermission({
  name: 'service-ops.operation.key-rotation.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});
