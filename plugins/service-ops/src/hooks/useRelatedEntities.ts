import useAsync from 'react-use/esm/useAsync';
import { useApi } from '@backstage/frontend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { catalogApiRef } from '@backstage/plugin-catalog-react';

/** The relations the Operations tab draws. */
export const TOPOLOGY_RELATIONS = [
  'hasPart',
  'partOf',
  'dependsOn',
  'dependencyOf',
  'providesApi',
  'consumesApi',
];

const NONE = new Map<string, Entity>();

/** Entity refs compare case-insensitively. */
export const refKey = (ref: string) => ref.toLocaleLowerCase('en-US');

export interface RelatedEntitiesState {
  /** Related entities by lower-cased ref; refs the catalog does not know are absent. */
  value: Map<string, Entity>;
  loading: boolean;
  error?: Error;
}

/**
 * The entities an entity's topology relations point at, plus `extraRefs` (the
 * snapshot's containers, which the catalog may not have related yet), fetched in one
 * catalog call; refetched only when the set of refs changes.
 */
export function useRelatedEntities(
  entity: Entity,
  extraRefs: string[] = [],
): RelatedEntitiesState {
  const catalogApi = useApi(catalogApiRef);
  const refs = [
    ...new Set(
      [
        ...(entity.relations ?? [])
          .filter(r => TOPOLOGY_RELATIONS.includes(r.type))
          .map(r => r.targetRef),
        ...extraRefs,
      ].map(refKey),
    ),
  ].sort();
  const key = refs.join(',');

  const { value, loading, error } = useAsync(async () => {
    const map = new Map<string, Entity>();
    if (!key) return map;
    const entityRefs = key.split(',');
    const { items } = await catalogApi.getEntitiesByRefs({ entityRefs });
    items.forEach((item, i) => {
      if (item) map.set(entityRefs[i], item);
    });
    return map;
  }, [catalogApi, key]);

  return { value: value ?? NONE, loading, error };
}
