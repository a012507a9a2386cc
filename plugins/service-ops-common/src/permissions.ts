import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  serviceOpsSagaReadPermission,
  serviceOpsSagaRebuildPermission,
} from './backlog/permissions';
import { serviceOpsCollabDrainPermission } from './operations/permissions';
import {
  serviceOpsRolloutAbortPermission,
  serviceOpsRolloutPromoteFullPermission,
  serviceOpsRolloutPromotePermission,
  serviceOpsRolloutRetryPermission,
} from './operations/rolloutPermissions';
import {
  serviceOpsKeyRotationApprovePermission,
  serviceOpsKeyRotationPermission,
  serviceOpsKeysReadPermission,
} from './keys/permissions';

/**
 * Reading an entity's live state (snapshot, scaling history, live push). A resource
 * permission on the catalog entity, so a policy can decide per entity (owner, group).
 */
export const serviceOpsLiveReadPermission = createPermission({
  name: 'service-ops.live.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission of the service-ops plugins. */
export const serviceOpsPermissions = [
  serviceOpsLiveReadPermission,
  serviceOpsSagaReadPermission,
  serviceOpsSagaRebuildPermission,
  serviceOpsCollabDrainPermission,
  serviceOpsRolloutPromotePermission,
  serviceOpsRolloutPromoteFullPermission,
  serviceOpsRolloutAbortPermission,
  serviceOpsRolloutRetryPermission,
  serviceOpsKeysReadPermission,
  serviceOpsKeyRotationPermission,
  serviceOpsKeyRotationApprovePermission,
];
