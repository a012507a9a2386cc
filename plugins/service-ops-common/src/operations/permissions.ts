import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import { OperationKind } from './types';
import {
  serviceOpsRolloutAbortPermission,
  serviceOpsRolloutPromoteFullPermission,
  serviceOpsRolloutPromotePermission,
  serviceOpsRolloutRetryPermission,
} from './rolloutPermissions';
import {
  serviceOpsKeyRotationApprovePermission,
  serviceOpsKeyRotationPermission,
} from '../keys/permissions';

/**
 * Draining a collab container's pods (notify its clients, then recreate the pods). A
 * resource permission on the container's catalog entity, so a policy can allow it to the
 * entity's owners and an on-call group.
 */
export const serviceOpsCollabDrainPermission = createPermission({
  name: 'service-ops.operation.collab-drain',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** The permission each kind of operation needs, on its target entity. */
export const OPERATION_PERMISSIONS: Record<
  OperationKind,
  typeof serviceOpsCollabDrainPermission
> = {
  'collab-drain': serviceOpsCollabDrainPermission,
  'rollout-promote': serviceOpsRolloutPromotePermission,
  'rollout-promote-full': serviceOpsRolloutPromoteFullPermission,
  'rollout-abort': serviceOpsRolloutAbortPermission,
  'rollout-retry': serviceOpsRolloutRetryPermission,
  'key-rotation': serviceOpsKeyRotationPermission,
};

/**
 * Where approving an operation of a kind needs another permission than acting: that
 * permission, on the same target entity. Kinds not listed are approved with the one
 * in OPERATION_PERMISSIONS.
 */
export const OPERATION_APPROVE_PERMISSIONS: Partial<
  Record<OperationKind, typeof serviceOpsCollabDrainPermission>
> = {
  'key-rotation': serviceOpsKeyRotationApprovePermission,
};
