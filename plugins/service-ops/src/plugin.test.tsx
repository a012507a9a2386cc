import { ReactNode } from 'react';
import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { mockApis } from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  attachComponentData,
  discoveryApiRef,
  fetchApiRef,
  getComponentData,
} from '@backstage/core-plugin-api';
import * as root from '.';
import {
  EntityDeclaredContainersCard,
  EntityServiceOpsActionsContent,
  EntityServiceOpsBacklogContent,
  EntityServiceOpsContent,
  serviceOpsApiRef,
  ServiceOpsClient,
  serviceOpsPlugin,
  ServiceOpsApi,
  EntityServiceOpsSigningKeysContent,
  SigningKeysClient,
  signingKeysApiRef,
} from '.';
import {
  actionsRouteRef,
  backlogRouteRef,
  rootRouteRef,
  signingKeysRouteRef,
} from './routes';
import { contentBundlerEntity } from './__fixtures__/entities';
import { MockSignalApi } from './__fixtures__/MockSignalApi';
import { backlogApiFixtures } from './__fixtures__/backlog';
import { catalogEntities, serviceEntity } from './__fixtures__/entities';
import { buildHistory, buildSnapshot } from './__fixtures__/snapshots';
import {
  buildCollabSnapshot,
  collabEntity,
  operationsApiFixtures,
} from './__fixtures__/operations';

/** Stands in for the catalog's `EntityLayout.Route`, which gathers mount points. */
function EntityTabRoute(props: { path: string; children: ReactNode }) {
  return <>{props.children}</>;
}
attachComponentData(EntityTabRoute, 'core.gatherMountPoints', true);

describe('the package root (legacy frontend system)', () => {
  it('exports a legacy plugin, its extensions, the API and the filter, and no default', () => {
    expect(Object.keys(root).sort()).toEqual([
      'BACKLOG_WINDOWS',
      'EntityDeclaredContainersCard',
      'EntityDeclaredDeploymentCard',
      'EntityServiceOpsActionsContent',
      'EntityServiceOpsBacklogContent',
      'EntityServiceOpsContent',
      'EntityServiceOpsSigningKeysContent',
      'HISTORY_WINDOWS',
      'KEY_INVENTORY_SORTS',
      'ServiceOpsClient',
      'SigningKeysClient',
      'hasServiceOpsActions',
      'isCollabDrainTarget',
      'isContainerEntity',
      'isRolloutTarget',
      'isServiceEntity',
      'isServiceOpsAvailable',
      'isSigningKeysTarget',
      'serviceOpsApiRef',
      'serviceOpsPlugin',
      'signingKeysApiRef',
    ]);
    // Frontend feature discovery loads the root's default export; a legacy plugin there
    // would be ignored at best, so the new system's plugin lives at /alpha only.
    expect((root as Record<string, unknown>).default).toBeUndefined();
  });

  it('is a legacy plugin that registers the backend clients', () => {
    expect(serviceOpsPlugin.getId()).toBe('service-ops');
    const factories = [...serviceOpsPlugin.getApis()];
    expect(factories.map(f => f.api.id)).toEqual([
      serviceOpsApiRef.id,
      signingKeysApiRef.id,
    ]);
    expect(
      factories[1].factory({
        discoveryApi: mockApis.discovery(),
        fetchApi: mockApis.fetch(),
      }),
    ).toBeInstanceOf(SigningKeysClient);
    const [factory] = factories;
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

  it('renders the Operations tab as a routable extension', async () => {
    expect(
      getComponentData(<EntityServiceOpsContent />, 'core.mountPoint'),
    ).toBe(rootRouteRef);
    const snapshot = buildSnapshot();
    const api: ServiceOpsApi = {
      getSnapshot: jest.fn(async () => snapshot),
      getHistory: jest.fn(async () => buildHistory(snapshot)),
      ...backlogApiFixtures(),
      ...operationsApiFixtures(),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [serviceOpsApiRef, api],
          [signalApiRef, new MockSignalApi()],
          [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        ]}
      >
        <EntityProvider entity={serviceEntity}>
          <EntityTabRoute path="/operations">
            <EntityServiceOpsContent />
          </EntityTabRoute>
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole('table', { name: 'replicas by region' }),
    ).toBeInTheDocument();
  });

  it('renders the Backlog & sagas tab as a routable extension of its own', async () => {
    expect(
      getComponentData(<EntityServiceOpsBacklogContent />, 'core.mountPoint'),
    ).toBe(backlogRouteRef);
    const api: ServiceOpsApi = {
      getSnapshot: jest.fn(async () => buildSnapshot()),
      getHistory: jest.fn(async () => buildHistory(buildSnapshot())),
      ...backlogApiFixtures(),
      ...operationsApiFixtures(),
    };
    await renderInTestApp(
      <TestApiProvider apis={[[serviceOpsApiRef, api]]}>
        <EntityProvider entity={serviceEntity}>
          <EntityTabRoute path="/backlog">
            <EntityServiceOpsBacklogContent />
          </EntityTabRoute>
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole('table', { name: 'consumers' }),
    ).toBeInTheDocument();
  });

  it('renders the Actions tab of the collab container as a routable extension of its own', async () => {
    expect(
      getComponentData(<EntityServiceOpsActionsContent />, 'core.mountPoint'),
    ).toBe(actionsRouteRef);
    const api: ServiceOpsApi = {
      getSnapshot: jest.fn(async () => buildCollabSnapshot()),
      getHistory: jest.fn(async () => buildHistory(buildCollabSnapshot())),
      ...backlogApiFixtures(),
      ...operationsApiFixtures(),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [serviceOpsApiRef, api],
          [signalApiRef, new MockSignalApi()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={collabEntity}>
          <EntityTabRoute path="/actions">
            <EntityServiceOpsActionsContent />
          </EntityTabRoute>
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByRole('group', { name: 'region to drain' }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('No drain has been run on this container yet.'),
    ).toBeInTheDocument();
  });

  it('renders the Signing keys tab of content-bundler as a routable extension of its own', async () => {
    expect(
      getComponentData(
        <EntityServiceOpsSigningKeysContent />,
        'core.mountPoint',
      ),
    ).toBe(signingKeysRouteRef);
    const keys = {
      getKeyInventory: jest.fn(async () => ({
        items: [],
        totalCount: 0,
        summary: {
          tenants: 0,
          rotationOverdue: 0,
          rotationDueSoon: 0,
          drillOverdue: 0,
          drillDue: 0,
          notReplicated: 0,
        },
        quarterEndsAt: '2027-01-01T00:00:00.000Z',
        generatedAt: '2026-12-01T12:00:00.000Z',
      })),
      getTenantKeys: jest.fn(),
      startKeyRotation: jest.fn(),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [signingKeysApiRef, keys],
          [serviceOpsApiRef, operationsApiFixtures() as any],
          [signalApiRef, new MockSignalApi()],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={contentBundlerEntity}>
          <EntityTabRoute path="/signing-keys">
            <EntityServiceOpsSigningKeysContent />
          </EntityTabRoute>
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('content-service reports no tenants.'),
    ).toBeInTheDocument();
    expect(keys.getKeyInventory).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: 'component:default/content-bundler',
      }),
    );
  });

  it('renders the declared containers card as a component extension', async () => {
    await renderInTestApp(
      <TestApiProvider
        apis={[[catalogApiRef, catalogApiMock({ entities: catalogEntities })]]}
      >
        <EntityProvider entity={serviceEntity}>
          <EntityDeclaredContainersCard />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole('table', { name: 'containers as declared' }),
    ).toBeInTheDocument();
  });
});
