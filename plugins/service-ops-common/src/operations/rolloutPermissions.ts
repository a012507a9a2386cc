import { createPermission } from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/**
 * Promoting an Argo rollout of a container past its current pause (canary: to the next
 * step; blue/green: the switch), in one region or a wave. A resource permission on the
 * container's catalog entity.
 */
export const serviceOpsRolloutPromotePermission = createPermission({
  name: 'service-ops.operation.rollout-promote',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Promoting a rollout fully (skipping the remaining steps, pauses and analysis). Needs a
 * second person's approval by default; approving needs this permission too.
 */
export const serviceOpsRolloutPromoteFullPermission = createPermission({
  name: 'service-ops.operation.rollout-promote-full',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Aborting a rollout (back to stable at 100%); never waits for an approval. */
export const serviceOpsRolloutAbortPermission = createPermission({
  name: 'service-ops.operation.rollout-abort',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Retrying an aborted rollout (from its first step again). */
export const serviceOpsRolloutRetryPermission = createPermission({
  name: 'service-ops.operation.rollout-retry',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});
