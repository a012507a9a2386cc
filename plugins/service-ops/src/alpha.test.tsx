import { screen } from '@testing-library/react';
import {
  ApiBlueprint,
  coreExtensionData,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  createExtensionTester,
  mockApis,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  catalogApiMock,
  createTestEntityPage,
} from '@backstage/plugin-catalog-react/testUtils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { Entity } from '@backstage/catalog-model';
import plugin from './alpha';
import {
  ServiceOpsApi,
  serviceOpsApiRef,
  ServiceOpsClient,
  SigningKeysClient,
  signingKeysApiRef,
} from './api';
import { MockSignalApi } from './__fixtures__/MockSignalApi';
import { backlogApiFixtures } from './__fixtures__/backlog';
import {
  catalogEntities,
  contentBuilderEntity,
  contentBundlerEntity,
  serviceEntity,
} from './__fixtures__/entities';
import { buildHistory, buildSnapshot } from './__fixtures__/snapshots';
import { collabEntity, operationsApiFixtures } from './__fixtures__/operations';
import { contentApiEntity } from './__fixtures__/rollouts';

const website: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'service-ops' },
  spec: { type: 'website' },
};
const database: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'content-service-postgres' },
  spec: { type: 'database' },
};

describe('the /alpha export (new frontend system)', () => {
  it('is the service-ops plugin', () => {
    expect(plugin.$$type).toBe('@backstage/FrontendPlugin');
    expect(plugin.pluginId).toBe('service-ops');
  });

  it('provides an Operations tab at operations for services and containers', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:service-ops/operations'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('operations');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Operations',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(serviceEntity)).toBe(true);
    expect(filter(contentBuilderEntity)).toBe(true);
    expect(filter(website)).toBe(false);
    expect(filter(database)).toBe(false);
  });

  it('provides a Backlog & sagas tab at backlog for services and containers', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:service-ops/backlog'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('backlog');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Backlog & sagas',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(serviceEntity)).toBe(true);
    expect(filter(contentBuilderEntity)).toBe(true);
    expect(filter(website)).toBe(false);
  });

  it('provides an Actions tab at actions for the containers with an action: the collab container and the rollouts', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:service-ops/actions'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('actions');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Actions');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(collabEntity)).toBe(true);
    expect(filter(contentApiEntity)).toBe(true);
    expect(filter(contentBuilderEntity)).toBe(false);
    expect(filter(serviceEntity)).toBe(false);
    expect(filter(website)).toBe(false);
  });

  it('provides a Signing keys tab at signing-keys for content-bundler only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:service-ops/signing-keys'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('signing-keys');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Signing keys',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(contentBundlerEntity)).toBe(true);
    expect(filter(contentBuilderEntity)).toBe(false);
    expect(filter(collabEntity)).toBe(false);
    expect(filter(serviceEntity)).toBe(false);
  });

  it('provides the signing-keys client as an API', () => {
    const tester = createExtensionTester(
      plugin.getExtension('api:service-ops/signing-keys'),
    );
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe(signingKeysApiRef.id);
    expect(
      factory.factory({
        discoveryApi: mockApis.discovery(),
        fetchApi: mockApis.fetch(),
      }),
    ).toBeInstanceOf(SigningKeysClient);
  });

  it('provides the backend client as an API', () => {
    const tester = createExtensionTester(
      plugin.getExtension('api:service-ops'),
    );
    const factory = tester.get(ApiBlueprint.dataRefs.factory);
    expect(factory.api.id).toBe(serviceOpsApiRef.id);
    expect(Object.values(factory.deps).map(ref => ref.id)).toEqual([
      discoveryApiRef.id,
      fetchApiRef.id,
    ]);
    expect(
      factory.factory({
        discoveryApi: mockApis.discovery(),
        fetchApi: mockApis.fetch(),
      }),
    ).toBeInstanceOf(ServiceOpsClient);
  });

  it('keeps the declared-deployment cards', () => {
    expect(
      plugin.getExtension('entity-card:service-ops/declared-deployment'),
    ).toBeDefined();
    expect(
      plugin.getExtension('entity-card:service-ops/declared-containers'),
    ).toBeDefined();
  });

  it('renders the tab on a service’s entity page in an app', async () => {
    const snapshot = buildSnapshot();
    const api: ServiceOpsApi = {
      getSnapshot: jest.fn(async () => snapshot),
      getHistory: jest.fn(async () => buildHistory(snapshot)),
      ...backlogApiFixtures(),
      ...operationsApiFixtures(),
    };
    renderTestApp({
      features: [plugin],
      extensions: [createTestEntityPage({ entity: serviceEntity })],
      apis: [
        [serviceOpsApiRef, api],
        [signalApiRef, new MockSignalApi()],
        [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
      ],
    });
    expect(
      await screen.findByRole('table', { name: 'replicas by region' }),
    ).toBeInTheDocument();
    expect(api.getSnapshot).toHaveBeenCalledWith({
      entityRef: 'component:default/content-service',
    });
  });
});
