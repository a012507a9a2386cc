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
