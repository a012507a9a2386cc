import type { Entity } from '@backstage/catalog-model';
import {
  isCollabDrainTarget,
  isContainerEntity,
  isServiceEntity,
  isServiceOpsAvailable,
} from './entityFilters';

const entity = (kind: string, spec: Entity['spec']): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
  spec,
});

describe('entity filters', () => {
  it('takes a service Component that is nobody’s subcomponent as a service', () => {
    const service = entity('Component', { type: 'service' });
    expect(isServiceEntity(service)).toBe(true);
    expect(isContainerEntity(service)).toBe(false);
    expect(isServiceOpsAvailable(service)).toBe(true);
  });

  it('takes a subcomponent, even of type service, as a container', () => {
    const api = entity('Component', {
      type: 'service',
      subcomponentOf: 'component:default/authoring-service',
    });
    expect(isServiceEntity(api)).toBe(false);
    expect(isContainerEntity(api)).toBe(true);
    expect(isServiceOpsAvailable(api)).toBe(true);
  });

  it('takes a Component with a declared model as a container', () => {
    const worker = entity('Component', {
      type: 'worker',
      serviceOps: { container: 'authoring-worker' },
    });
    expect(isContainerEntity(worker)).toBe(true);
  });

  it('leaves out websites, libraries and other kinds', () => {
    expect(
      isServiceOpsAvailable(entity('Component', { type: 'website' })),
    ).toBe(false);
    expect(
      isServiceOpsAvailable(
        entity('Resource', { type: 'database', subcomponentOf: 'x' }),
      ),
    ).toBe(false);
    expect(isServiceOpsAvailable(entity('API', { type: 'service' }))).toBe(
      false,
    );
  });

  it('offers the collab drain only on the collab server’s container', () => {
    const collab = (name: string, annotations?: Record<string, string>) => ({
      ...entity('Component', {
        type: 'websocket',
        subcomponentOf: 'component:default/authoring-service',
      }),
      metadata: { name, ...(annotations ? { annotations } : {}) },
    });
    expect(
      isCollabDrainTarget(
        collab('authoring-collab', {
          'backstage.io/kubernetes-id': 'authoring-collab',
        }),
      ),
    ).toBe(true);
    expect(isCollabDrainTarget(collab('authoring-collab'))).toBe(true);
    // The backend drains by the kubernetes-id, not by the entity's name.
    expect(
      isCollabDrainTarget(
        collab('authoring-collab', {
          'backstage.io/kubernetes-id': 'authoring-api',
        }),
      ),
    ).toBe(false);
    expect(isCollabDrainTarget(collab('authoring-api'))).toBe(false);
    // authoring-service itself is a service, not the container.
    expect(
      isCollabDrainTarget({
        ...entity('Component', { type: 'service' }),
        metadata: {
          name: 'authoring-service',
          annotations: { 'backstage.io/kubernetes-id': 'authoring-collab' },
        },
      }),
    ).toBe(false);
  });
});
