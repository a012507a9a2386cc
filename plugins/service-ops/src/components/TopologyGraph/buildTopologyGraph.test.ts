import type { Entity } from '@backstage/catalog-model';
import {
  catalogEntities,
  contentBuilderEntity,
  serviceEntity,
} from '../../__fixtures__/entities';
import {
  buildContainerSnapshot,
  buildSnapshot,
} from '../../__fixtures__/snapshots';
import { refKey } from '../../hooks/useRelatedEntities';
import { selectRegion } from '../../lib/selectRegion';
import { buildTopologyGraph } from './buildTopologyGraph';

const related = new Map<string, Entity>(
  catalogEntities.map(e => [
    refKey(`${e.kind}:${e.metadata.namespace ?? 'default'}/${e.metadata.name}`),
    e,
  ]),
);

describe('buildTopologyGraph', () => {
  it('draws a service with its containers, stores, neighbours and APIs', () => {
    const { nodes, edges } = buildTopologyGraph({
      entity: serviceEntity,
      related,
      snapshot: buildSnapshot(),
    });
    const byId = new Map(nodes.map(n => [n.id, n]));
    expect(byId.get('component:default/content-service')).toMatchObject({
      role: 'service',
      health: 'degraded',
    });
    // The page's own entity is not a link.
    expect(byId.get('component:default/content-service')?.entityRef).toBe(
      undefined,
    );
    expect(byId.get('component:default/content-builder')).toMatchObject({
      role: 'container',
      detail: '8/11 ready',
      health: 'degraded',
      entityRef: 'component:default/content-builder',
    });
    expect(byId.get('component:default/content-api')).toMatchObject({
      detail: '12/12 ready',
      health: 'healthy',
    });
    expect(byId.get('resource:default/content-service-postgres')).toMatchObject(
      { role: 'store', label: 'Postgres (content-service)' },
    );
    expect(byId.get('component:default/catalog-service')?.role).toBe(
      'neighbour',
    );
    expect(
      byId.get('api:default/authoring-course-draft-published-v1'),
    ).toMatchObject({
      role: 'api',
      detail: 'NATS authoring.course_draft.published.v1',
    });
    expect(byId.get('api:default/content-rest-api')?.detail).toBe('openapi');

    const edge = (from: string, to: string) =>
      edges.find(e => e.from === from && e.to === to)?.relation;
    // Stores hang off the containers that use them, not off the service.
    expect(
      edge(
        'component:default/content-builder',
        'resource:default/content-service-s3-hot',
      ),
    ).toBe('depends on');
    expect(
      edge(
        'component:default/content-service',
        'resource:default/content-service-postgres',
      ),
    ).toBeUndefined();
    expect(
      edge(
        'component:default/content-service',
        'component:default/catalog-service',
      ),
    ).toBe('depends on');
    expect(
      edge(
        'api:default/authoring-course-draft-published-v1',
        'component:default/content-service',
      ),
    ).toBe('consumed by');
  });

  it('colours containers by the selected region’s health', () => {
    const { nodes } = buildTopologyGraph({
      entity: serviceEntity,
      related,
      snapshot: selectRegion(buildSnapshot(), 'us'),
    });
    const builder = nodes.find(
      n => n.id === 'component:default/content-builder',
    );
    expect(builder).toMatchObject({ health: 'healthy', detail: '3/5 ready' });
  });

  it('names the regions a container is not deployed in', () => {
    const snapshot = buildSnapshot();
    const builder = snapshot.containers.find(
      c => c.container === 'content-builder',
    )!;
    builder.regions = builder.regions.map(r =>
      r.cluster === 'ap'
        ? { cluster: 'ap', pods: [], warnings: [], health: r.health }
        : r,
    );
    const { nodes } = buildTopologyGraph({
      entity: serviceEntity,
      related,
      snapshot,
    });
    expect(
      nodes.find(n => n.id === 'component:default/content-builder')?.detail,
    ).toMatch(/ready, none in ap$/);
  });

  it('shows a workload the document does not declare', () => {
    const snapshot = buildSnapshot();
    snapshot.containers.push({
      container: 'content-debug-shell',
      declared: false,
      regions: [
        {
          ...snapshot.containers[0].regions[0],
          workload: {
            ...snapshot.containers[0].regions[0].workload!,
            name: 'content-debug-shell',
            desired: 1,
            ready: 1,
          },
        },
      ],
      health: { level: 'healthy', reasons: [] },
    });
    const { nodes, edges } = buildTopologyGraph({
      entity: serviceEntity,
      related,
      snapshot,
    });
    expect(
      nodes.find(n => n.id === 'container:content-debug-shell'),
    ).toMatchObject({
      role: 'container',
      label: 'content-debug-shell',
      detail: '1/1 ready',
      entityRef: undefined,
    });
    expect(
      edges.find(e => e.to === 'container:content-debug-shell')?.relation,
    ).toBe('runs (undeclared)');
  });

  it('draws a container with its service and what it depends on', () => {
    const { nodes, edges } = buildTopologyGraph({
      entity: contentBuilderEntity,
      related,
      snapshot: buildContainerSnapshot('content-builder'),
    });
    expect(nodes.map(n => `${n.role} ${n.id}`).sort()).toEqual([
      'container component:default/content-builder',
      'service component:default/content-service',
      'store resource:default/content-service-postgres',
      'store resource:default/content-service-s3-hot',
    ]);
    expect(
      nodes.find(n => n.id === 'component:default/content-builder'),
    ).toMatchObject({ health: 'degraded', entityRef: undefined });
    expect(edges).toContainEqual({
      from: 'component:default/content-service',
      to: 'component:default/content-builder',
      relation: 'has part',
    });
  });
});
