import type { Entity } from '@backstage/catalog-model';
import {
  hasServiceOpsActions,
  isCollabDrainTarget,
  isContainerEntity,
  isRolloutTarget,
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

  it('offers rollout actions on the containers released as Argo rollouts, and the Actions tab on those and the collab server', () => {
    const container = (name: string, id?: string) => ({
      ...entity('Component', {
        type: 'service',
        subcomponentOf: 'component:default/content-service',
      }),
      metadata: {
        name,
        ...(id ? { annotations: { 'backstage.io/kubernetes-id': id } } : {}),
      },
    });
    expect(isRolloutTarget(container('content-api'))).toBe(true);
    expect(isRolloutTarget(container('authoring-api'))).toBe(true);
    expect(isRolloutTarget(container('x', 'content-api'))).toBe(true);
    expect(isRolloutTarget(container('content-api', 'content-worker'))).toBe(
      false,
    );
    expect(isRolloutTarget(container('content-builder'))).toBe(false);
    // content-service itself is a service, not a container.
    expect(
      isRolloutTarget({
        ...entity('Component', { type: 'service' }),
        metadata: { name: 'content-api' },
      }),
    ).toBe(false);
    expect(hasServiceOpsActions(container('content-api'))).toBe(true);
    expect(hasServiceOpsActions(container('authoring-collab'))).toBe(true);
    expect(hasServiceOpsActions(container('content-builder'))).toBe(false);
  });
});
