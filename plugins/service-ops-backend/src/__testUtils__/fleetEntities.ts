import fs from 'node:fs';
import path from 'node:path';
import {
  Entity,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  buildTopologyEntities,
  parseTopologyDocument,
} from '@internal/backstage-plugin-catalog-backend-module-service-ops';

const DOCUMENTS: Record<string, string> = {
  'authoring-service':
    'docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md',
  'content-service': 'docs/services/content-service/DEPLOYMENT_TOPOLOGY.md',
};

/**
 * The two services and their generated container entities, as the catalog holds them
 * (with the `partOf` relations the catalog would add), built by the catalog module from
 * the same documents the sandbox fleet deploys.
 */
export function fleetEntities(root: string): Entity[] {
  const entities: Entity[] = [];
  for (const [name, file] of Object.entries(DOCUMENTS)) {
    const namespace = name.replace('-service', '');
    const service: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name,
        namespace: 'default',
        annotations: {
          'backstage.io/kubernetes-id': name,
          'backstage.io/kubernetes-namespace': namespace,
          'backstage.io/kubernetes-label-selector': `app.kubernetes.io/part-of=${name}`,
        },
      },
      spec: {
        type: 'service',
        owner: `group:default/${namespace}-team`,
        lifecycle: 'production',
      },
    };
    const built = buildTopologyEntities({
      service,
      document: parseTopologyDocument(
        fs.readFileSync(path.join(root, file), 'utf8'),
      ),
      documentUrl: `file:${file}`,
      sharedResources: { NATS: 'resource:default/nats-jetstream' },
    });
    entities.push(service);
    for (const entity of built.entities) {
      if (entity.kind !== 'Component') continue;
      entities.push({
        ...entity,
        relations: [
          { type: RELATION_PART_OF, targetRef: stringifyEntityRef(service) },
        ],
      });
    }
  }
  return entities;
}
