import fs from 'node:fs';
import path from 'node:path';
import { Entity } from '@backstage/catalog-model';
import { parseTopologyDocument } from '../topology/parseTopologyDocument';
import { ANNOTATION_TOPOLOGY_PROBLEMS } from '@internal/backstage-plugin-service-ops-common';
import { buildTopologyEntities } from './buildTopologyEntities';

const repo = path.resolve(__dirname, '../../../..');
const url = 'https://docs.example/authoring/12-DEPLOYMENT_TOPOLOGY.md';

function service(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      annotations: {
        'backstage.io/kubernetes-namespace': name.replace('-service', ''),
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/authoring-team',
      lifecycle: 'production',
      system: 'learning-platform',
    },
  };
}

function build(file: string, name: string) {
  return buildTopologyEntities({
    service: service(name),
    document: parseTopologyDocument(
      fs.readFileSync(path.join(repo, file), 'utf8'),
    ),
    documentUrl: url,
    sharedResources: { NATS: 'resource:default/nats-jetstream' },
  });
}

const authoring = build(
  'docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md',
  'authoring-service',
);
const content = build(
  'docs/services/content-service/DEPLOYMENT_TOPOLOGY.md',
  'content-service',
);
const byName = (entities: Entity[], name: string) =>
  entities.find(e => e.metadata.name === name)!;

describe('buildTopologyEntities', () => {
  it('emits one Component per container, subcomponentOf the service, with inherited ownership', () => {
    const components = authoring.entities.filter(e => e.kind === 'Component');
    expect(components.map(c => [c.metadata.name, c.spec?.type])).toEqual([
      ['authoring-api', 'service'],
      ['authoring-collab', 'websocket'],
      ['authoring-worker', 'worker'],
      ['authoring-ai-worker', 'worker'],
    ]);
    const api = byName(authoring.entities, 'authoring-api');
    expect(api.spec).toMatchObject({
      subcomponentOf: 'component:default/authoring-service',
      owner: 'group:default/authoring-team',
      lifecycle: 'production',
      system: 'learning-platform',
    });
    expect(api.metadata.description).toBe(
      'REST API for drafts, modules, lessons, blocks',
    );
    expect(api.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'authoring-api',
      'backstage.io/kubernetes-namespace': 'authoring',
      'service-ops.io/topology-source': `${url}#L7`,
    });
  });

  it('attaches declared scaling and resources to each container', () => {
    const collab = byName(authoring.entities, 'authoring-collab');
    expect((collab.spec as any).serviceOps).toMatchObject({
      scaling: {
        min: 2,
        max: 20,
        triggers: [
          { metric: 'active-ws-connections', threshold: 500, basis: 'perPod' },
        ],
        source: `${url}#L17`,
      },
      resources: {
        cpu: {
          request: { text: '500m', value: 0.5 },
          limit: { text: '2000m', value: 2 },
        },
        memory: { request: { text: '1Gi' }, limit: { text: '4Gi' } },
        note: 'Yjs docs in memory',
      },
    });
    const relay = byName(content.entities, 'content-outbox-relay');
    expect((relay.spec as any).serviceOps.scaling.max).toBe(5);
    expect((relay.spec as any).serviceOps.resources).toBeUndefined();
  });

  it('turns diagram edges into container dependencies on stores, neighbours and NATS', () => {
    expect(byName(authoring.entities, 'authoring-api').spec?.dependsOn).toEqual(
      [
        'resource:default/authoring-service-postgres-pgbouncer',
        'resource:default/authoring-service-redis',
        'component:default/ai-gateway',
        'component:default/media-service',
        'resource:default/nats-jetstream',
      ],
    );
    expect(
      byName(authoring.entities, 'authoring-collab').spec?.dependsOn,
    ).toEqual(['resource:default/authoring-service-redis']);
    expect(byName(content.entities, 'content-bundler').spec?.dependsOn).toEqual(
      [
        'resource:default/nats-jetstream',
        'resource:default/content-service-s3-hot',
        'resource:default/content-service-kms',
      ],
    );
    expect(
      byName(content.entities, 'content-outbox-relay').spec?.dependsOn,
    ).toEqual(['resource:default/content-service-postgres']);
  });

  it('emits a Resource per store and the service depends on them and on its egress', () => {
    const resources = content.entities.filter(e => e.kind === 'Resource');
    expect(resources.map(r => [r.metadata.name, r.spec?.type])).toEqual([
      ['content-service-s3-hot', 'object-storage'],
      ['content-service-s3-cold', 'object-storage'],
      ['content-service-postgres', 'database'],
      ['content-service-local-ephemeral', 'ephemeral-storage'],
      ['content-service-cdn', 'cdn'],
      ['content-service-kms', 'kms'],
    ]);
    expect(authoring.serviceDependsOn).toEqual([
      'component:default/media-service',
      'component:default/content-service',
      'component:default/ai-gateway',
      'component:default/catalog-service',
      'resource:default/authoring-service-redis',
      'resource:default/authoring-service-postgres-pgbouncer',
      'resource:default/authoring-service-s3-r2',
      'resource:default/authoring-service-cdn',
      'resource:default/nats-jetstream',
    ]);
    expect(content.serviceDependsOn).toContain(
      'component:default/authoring-service',
    );
    expect(content.serviceDependsOn).toContain(
      'component:default/sync-service',
    );
    expect(content.serviceDependsOn).not.toContain(
      'component:default/content-api',
    );
  });

  it('emits a Location for the document, with its problems when there are any', () => {
    const location = byName(
      authoring.entities,
      'authoring-service-topology-document',
    );
    expect(location.spec).toEqual({
      type: 'service-ops-topology',
      target: url,
    });
    expect(location.metadata.annotations).toEqual({});

    const broken = buildTopologyEntities({
      service: service('demo-service'),
      document: parseTopologyDocument(
        fs.readFileSync(
          path.join(__dirname, '../__fixtures__/variant-and-malformed.md'),
          'utf8',
        ),
      ),
      documentUrl: url,
      sharedResources: {},
    });
    const problems = JSON.parse(
      byName(broken.entities, 'demo-service-topology-document').metadata
        .annotations![ANNOTATION_TOPOLOGY_PROBLEMS],
    );
    expect(problems).toHaveLength(6);
    expect(problems[0]).toBe(
      `${url}:9: 'Demo Worker!' is not a valid container name (lower-case letters, digits and dashes)`,
    );
    const ws = byName(broken.entities, 'demo-ws');
    expect((ws.spec as any).serviceOps.problems).toEqual([
      `${url}:17: scaling of 'demo-ws': min 5 is above max 3`,
      `${url}:26: resources of 'demo-ws': 'lots' is not a Kubernetes quantity (expected e.g. 500m, 2, 512Mi, 1.5Gi)`,
    ]);
    expect(
      broken.entities
        .filter(e => e.kind === 'Component')
        .map(e => e.metadata.name),
    ).toEqual(['demo-api', 'demo-ws', 'demo-worker']);
  });
});
