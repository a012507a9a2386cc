import type { Entity } from '@backstage/catalog-model';

function spec(entity: Entity): Record<string, unknown> {
  return (entity.spec ?? {}) as Record<string, unknown>;
}

/** A container Component: generated from a topology document, or a subcomponent. */
export function isContainerEntity(entity: Entity): boolean {
  if (entity.kind.toLowerCase() !== 'component') return false;
  const value = spec(entity);
  return !!value.subcomponentOf || !!value.serviceOps;
}

/** A service Component: `spec.type: service` that is not itself part of another. */
export function isServiceEntity(entity: Entity): boolean {
  if (entity.kind.toLowerCase() !== 'component') return false;
  const value = spec(entity);
  return value.type === 'service' && !value.subcomponentOf;
}

/** Whether the Operations tab applies to the entity: a service or one of its containers. */
export function isServiceOpsAvailable(entity: Entity): boolean {
  return isServiceEntity(entity) || isContainerEntity(entity);
}

/** The container a collab drain applies to (the backend's `collabDrain.container`). */
export const COLLAB_DRAIN_CONTAINER = 'authoring-collab';

/**
 * Whether the Actions tab applies: the container Component that runs the collab server,
 * found by its `backstage.io/kubernetes-id` (or its name without one), as the backend
 * finds the drained container.
 */
export function isCollabDrainTarget(entity: Entity): boolean {
  if (!isContainerEntity(entity)) return false;
  const container =
    entity.metadata.annotations?.['backstage.io/kubernetes-id'] ??
    entity.metadata.name;
  return container === COLLAB_DRAIN_CONTAINER;
}

/**
 * The containers released as Argo rollouts, as the topology documents' release
 * strategies say: content-service's API by canary (10% → 50% → 100%), authoring-service's
 * API by blue/green. The backend finds the rollout itself and says so when there is none.
 */
export const ROLLOUT_CONTAINERS = ['content-api', 'authoring-api'];

const containerName = (entity: Entity) =>
  entity.metadata.annotations?.['backstage.io/kubernetes-id'] ??
  entity.metadata.name;

/** Whether the entity is a container released as an Argo rollout (promote, abort, …). */
export function isRolloutTarget(entity: Entity): boolean {
  return (
    isContainerEntity(entity) &&
    ROLLOUT_CONTAINERS.includes(containerName(entity))
  );
}

/**
 * Whether the Actions tab applies: a container with an operator action, the collab
 * drain's or a rollout's.
 */
export function hasServiceOpsActions(entity: Entity): boolean {
  return isCollabDrainTarget(entity) || isRolloutTarget(entity);
}

/** The container that signs the bundles with the tenants' keys (the backend's `keys.container`). */
export const SIGNING_KEYS_CONTAINER = 'content-bundler';

/**
 * Whether the Signing keys tab applies: content-service's content-bundler ("per-device
 * bundle encryption + signing worker"), found as the backend finds it.
 */
export function isSigningKeysTarget(entity: Entity): boolean {
  if (!isContainerEntity(entity)) return false;
  const container =
    entity.metadata.annotations?.['backstage.io/kubernetes-id'] ??
    entity.metadata.name;
  return container === SIGNING_KEYS_CONTAINER;
}
