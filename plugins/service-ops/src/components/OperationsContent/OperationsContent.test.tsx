import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  EntitySnapshot,
  liveStateChannel,
} from '@internal/backstage-plugin-service-ops-common';
import { ServiceOpsApi, serviceOpsApiRef } from '../../api';
import { MockSignalApi } from '../../__fixtures__/MockSignalApi';
import { backlogApiFixtures } from '../../__fixtures__/backlog';
import {
  catalogEntities,
  contentBuilderEntity,
  serviceEntity,
} from '../../__fixtures__/entities';
import {
  buildContainerSnapshot,
  buildEmptySnapshot,
  buildHistory,
  buildSnapshot,
  SERVICE_REF,
  withReplicas,
} from '../../__fixtures__/snapshots';
import { operationsApiFixtures } from '../../__fixtures__/operations';
import { OperationsContent } from './OperationsContent';

/** A backend that answers with the given snapshots in turn (the last one repeats). */
function fakeBackend(...snapshots: Array<EntitySnapshot | Error>) {
  let call = 0;
  const api = {
    getSnapshot: jest.fn(async () => {
      const next = snapshots[Math.min(call++, snapshots.length - 1)];
      if (next instanceof Error) throw next;
      return next;
    }),
    getHistory: jest.fn(async () => {
      const first = snapshots.find(
        (s): s is EntitySnapshot => !(s instanceof Error),
      );
      return buildHistory(first ?? buildEmptySnapshot());
    }),
    ...backlogApiFixtures(),
    ...operationsApiFixtures(),
  } satisfies ServiceOpsApi;
  return api;
}

async function renderTab(options: {
  api: ServiceOpsApi;
  entity?: Entity;
  signals?: MockSignalApi;
}) {
  const signals = options.signals ?? new MockSignalApi();
  // The first fetches resolve inside act, so React applies their updates at once.
  await act(async () => {
    renderInTestApp(
      <TestApiProvider
        apis={[
          [serviceOpsApiRef, options.api],
          [signalApiRef, signals],
          [catalogApiRef, catalogApiMock({ entities: catalogEntities })],
        ]}
      >
        <EntityProvider entity={options.entity ?? serviceEntity}>
          <OperationsContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
  });
  return { signals };
}

const replicasTable = () =>
  screen.findByRole('table', { name: 'replicas by region' });

/** The cell of a container's row in a region's column of the replicas table. */
function replicaCell(table: HTMLElement, container: string, region: string) {
  const headers = within(table)
    .getAllByRole('columnheader')
    .map(h => h.textContent);
  const row = within(table).getByRole('row', {
    name: new RegExp(`^${container}`),
  });
  return within(row).getAllByRole('cell')[headers.indexOf(region) - 1];
}

describe('OperationsContent', () => {
  it('shows every container’s replicas in every region', async () => {
    const api = fakeBackend(buildSnapshot());
    await renderTab({ api });
    const table = await replicasTable();
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Container', 'us', 'eu', 'me', 'ap']);
    expect(replicaCell(table, 'content-api', 'us')).toHaveTextContent(
      '3/3 ready',
    );
    expect(replicaCell(table, 'content-builder', 'us')).toHaveTextContent(
      '3/5 ready',
    );
    expect(replicaCell(table, 'content-builder', 'eu')).toHaveTextContent(
      '1/2 readydegraded',
    );
    expect(api.getSnapshot).toHaveBeenCalledWith({ entityRef: SERVICE_REF });

    const builderUs = screen.getByRole('region', {
      name: 'content-builder in us',
    });
    expect(
      within(builderUs).getByText(
        '3 replicas now; the HPA wants 5, between 2 and 30.',
      ),
    ).toBeInTheDocument();
    expect(
      within(builderUs).getByText(
        'scaling up from 3 to 5: queue depth 120 is above its target of 50',
      ),
    ).toBeInTheDocument();
    expect(
      within(builderUs).getByText(
        'HPA keda-hpa-content-builder, made by the KEDA ScaledObject content-builder (nats-jetstream)',
      ),
    ).toBeInTheDocument();
  });

  it('shows a banner for the stale region only, with the data’s age and why', async () => {
    await renderTab({ api: fakeBackend(buildSnapshot()) });
    await replicasTable();
    const banners = screen
      .getAllByRole('alert')
      .map(alert => alert.textContent);
    expect(banners).toEqual([
      'eu: data from 3 min ago — watch failed: connect ECONNREFUSED 10.20.0.1:6443',
    ]);
  });

  it('narrows everything to the region picked', async () => {
    const api = fakeBackend(buildSnapshot());
    await renderTab({ api });
    await replicasTable();
    expect(
      screen.getByRole('region', { name: 'content-builder in us' }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'me' }));

    const table = await replicasTable();
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual(['Container', 'me']);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'content-builder in us' }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByRole('region', { name: 'content-builder in me' }),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(api.getHistory).toHaveBeenLastCalledWith({
        entityRef: SERVICE_REF,
        window: '1h',
        cluster: 'me',
      }),
    );

    await userEvent.click(screen.getByRole('button', { name: 'eu (stale)' }));
    expect(screen.getAllByRole('alert')).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'All regions' }));
    expect(
      within(await replicasTable()).getAllByRole('columnheader'),
    ).toHaveLength(5);
  });

  it('lists the drift and highlights the drifted value', async () => {
    await renderTab({ api: fakeBackend(buildSnapshot()) });
    const drift = await screen.findByRole('list', { name: 'drift' });
    expect(within(drift).getAllByRole('listitem')).toHaveLength(1);
    expect(drift).toHaveTextContent(
      'memory-limitme: content-builder memory limit 4Gi, declared 8Gi',
    );

    const resources = screen.getByRole('table', { name: 'resources' });
    const rows = within(resources)
      .getAllByRole('row')
      .filter(row => within(row).queryByText('drift'));
    expect(rows).toHaveLength(1);
    const [row] = rows;
    const cells = within(row).getAllByRole('cell');
    // Region, resource, request declared/cluster, limit declared/cluster, usage.
    expect(within(row).getByRole('rowheader')).toHaveTextContent(
      'content-builder',
    );
    expect(cells[0]).toHaveTextContent('me');
    expect(cells[1]).toHaveTextContent('memory');
    expect(cells[4]).toHaveTextContent('8 GiB');
    expect(cells[5]).toHaveTextContent('4 GiBdrift');
    expect(
      within(row).getByTitle(
        'me: content-builder memory limit 4Gi, declared 8Gi',
      ),
    ).toHaveTextContent('drift');
  });

  it('explains an entity that runs nowhere', async () => {
    await renderTab({ api: fakeBackend(buildEmptySnapshot()) });
    expect(
      await screen.findByText(
        'No workloads found for this entity in any cluster',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Check the backstage.io\/kubernetes-id annotation/),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'replicas by region' }),
    ).not.toBeInTheDocument();
  });

  it('shows the backend’s error message', async () => {
    const response = new Response(
      JSON.stringify({
        error: {
          name: 'NotFoundError',
          message:
            'no entity component:default/content-service (or you may not read it)',
        },
        request: { method: 'GET', url: '/snapshot' },
        response: { statusCode: 404 },
      }),
      { status: 404, headers: { 'content-type': 'application/json' } },
    );
    const error = await ResponseError.fromResponse(response);
    await renderTab({ api: fakeBackend(error) });
    expect(
      (
        await screen.findAllByText(
          /no entity component:default\/content-service \(or you may not read it\)/,
        )
      ).length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByRole('table', { name: 'replicas by region' }),
    ).not.toBeInTheDocument();
  });

  it('refetches when the backend signals a change, and shows the new replicas', async () => {
    const first = buildSnapshot();
    const second = withReplicas(first, {
      container: 'content-builder',
      cluster: 'us',
      ready: 5,
      desired: 5,
    });
    const api = fakeBackend(first, second);
    const { signals } = await renderTab({ api });
    const table = await replicasTable();
    expect(replicaCell(table, 'content-builder', 'us')).toHaveTextContent(
      '3/5 ready',
    );
    expect(signals.channels()).toEqual([liveStateChannel(SERVICE_REF)]);
    expect(api.getSnapshot).toHaveBeenCalledTimes(1);

    act(() =>
      signals.publish(liveStateChannel(SERVICE_REF), {
        entityRef: SERVICE_REF,
        generatedAt: second.generatedAt,
      }),
    );

    await waitFor(() =>
      expect(
        replicaCell(
          screen.getByRole('table', { name: 'replicas by region' }),
          'content-builder',
          'us',
        ),
      ).toHaveTextContent('5/5 ready'),
    );
    expect(api.getSnapshot).toHaveBeenCalledTimes(2);
    expect(
      within(
        screen.getByRole('region', { name: 'content-builder in us' }),
      ).getByText('5 replicas now; the HPA keeps 5, between 2 and 30.'),
    ).toBeInTheDocument();
  });

  it('refetches at most once a second during a burst of signals, and after the last one', async () => {
    const api = fakeBackend(buildSnapshot());
    const { signals } = await renderTab({ api });
    await replicasTable();
    expect(api.getSnapshot).toHaveBeenCalledTimes(1);

    for (let i = 0; i < 5; i++) {
      act(() =>
        signals.publish(liveStateChannel(SERVICE_REF), {
          entityRef: SERVICE_REF,
          generatedAt: new Date(Date.now() + i).toISOString(),
        }),
      );
    }
    // The first signal of the burst refetches at once, the rest once more, a second later.
    await waitFor(() => expect(api.getSnapshot).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(api.getSnapshot).toHaveBeenCalledTimes(3));
    await act(() => new Promise(resolve => setTimeout(resolve, 1500)));
    expect(api.getSnapshot).toHaveBeenCalledTimes(3);
  });

  it('keeps the last data and warns when a refetch fails', async () => {
    const api = fakeBackend(buildSnapshot(), new Error('backend restarting'));
    const { signals } = await renderTab({ api });
    await replicasTable();
    act(() =>
      signals.publish(liveStateChannel(SERVICE_REF), {
        entityRef: SERVICE_REF,
        generatedAt: new Date().toISOString(),
      }),
    );
    expect(
      await screen.findByText(
        'Warning: Could not refresh the live state; showing the last data',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('backend restarting')).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'replicas by region' }),
    ).toBeInTheDocument();
  });

  it('describes scaling, rollouts, PDBs, pods and warnings per region', async () => {
    await renderTab({ api: fakeBackend(buildSnapshot()) });
    await replicasTable();

    const apiUs = screen.getByRole('region', { name: 'content-api in us' });
    expect(
      within(apiUs).getByText(
        'Rollout: canary at step 2 of 4, weight 25%, paused: CanaryPauseStep (10 min ago)',
      ),
    ).toBeInTheDocument();
    expect(
      within(apiUs).getByText(
        'PDB content-api: 1 disruption allowed (3 healthy, 2 required)',
      ),
    ).toBeInTheDocument();
    expect(
      within(apiUs).getByText('As declared: CPU > 60% of request'),
    ).toBeInTheDocument();

    const bundlerUs = screen.getByRole('region', {
      name: 'content-bundler in us',
    });
    expect(
      within(bundlerUs).getByText(
        "Declared threshold 150 differs from the cluster's target 200: queue depth > 150 in total",
      ),
    ).toBeInTheDocument();

    const builderEu = screen.getByRole('region', {
      name: 'content-builder in eu',
    });
    const pods = within(builderEu).getByRole('table', {
      name: 'pods of content-builder in eu',
    });
    const crashing = within(pods)
      .getAllByRole('row')
      .find(row => within(row).queryByText('OOMKilled'))!;
    expect(
      within(crashing)
        .getAllByRole('cell')
        .map(c => c.textContent),
    ).toEqual(['Running', 'no', '4', '2h', 'OOMKilled']);
    expect(
      within(builderEu).getByText(
        /^BackOff ×4 on Pod\/content-builder-5d8f-bx1q: Back-off restarting failed container/,
      ),
    ).toBeInTheDocument();
  });

  it('draws the topology with containers linking to their pages', async () => {
    await renderTab({ api: fakeBackend(buildSnapshot()) });
    await replicasTable();
    const graph = screen.getByRole('figure', { name: 'topology graph' });
    const builder = await within(graph).findByRole('link', {
      name: 'container content-builder, 8/11 ready, degraded',
    });
    expect(builder).toHaveAttribute(
      'href',
      '/catalog/default/component/content-builder',
    );
    expect(
      within(graph).getByRole('link', {
        name: 'store Postgres (content-service), database',
      }),
    ).toBeInTheDocument();
    expect(
      within(graph).getByRole('link', {
        name: 'API content-play-package-built-v1, NATS content.play_package.built.v1',
      }),
    ).toBeInTheDocument();
    expect(
      within(graph).getByRole('link', {
        name: 'neighbour catalog-service, service',
      }),
    ).toBeInTheDocument();
  });

  it('shows a container’s own state and neighbourhood on its page', async () => {
    const api = fakeBackend(buildContainerSnapshot('content-builder'));
    await renderTab({ api, entity: contentBuilderEntity });
    const table = await replicasTable();
    expect(within(table).getAllByRole('row')).toHaveLength(2);
    expect(api.getSnapshot).toHaveBeenCalledWith({
      entityRef: 'component:default/content-builder',
    });
    const graph = screen.getByRole('figure', { name: 'topology graph' });
    expect(
      await within(graph).findByRole('link', {
        name: 'service content-service',
      }),
    ).toHaveAttribute('href', '/catalog/default/component/content-service');
    expect(
      within(graph).getByRole('link', {
        name: 'store S3 hot (content-service), object-storage',
      }),
    ).toBeInTheDocument();
  });
});
