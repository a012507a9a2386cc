import { screen, within } from '@testing-library/react';
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
import { Entity } from '@backstage/catalog-model';
import { DeclaredContainersCard } from './DeclaredContainersCard';

const service: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'content-service', namespace: 'default' },
  spec: { type: 'service' },
};

function container(name: string, serviceOps: Record<string, unknown>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'worker',
      subcomponentOf: 'component:default/content-service',
      serviceOps: {
        service: 'component:default/content-service',
        container: name,
        ...serviceOps,
      },
    },
    relations: [
      { type: 'partOf', targetRef: 'component:default/content-service' },
    ],
  };
}

const q = (text: string, value: number) => ({ text, value });
const builder = container('content-builder', {
  scaling: {
    min: 2,
    max: 30,
    triggers: [
      {
        metric: 'queue-depth',
        metricText: 'queue depth',
        comparison: '>',
        threshold: 50,
        basis: 'total',
      },
    ],
    text: 'queue depth > 50',
    source: 'x#L19',
  },
  resources: {
    cpu: { request: q('1000m', 1), limit: q('4000m', 4) },
    memory: { request: q('2Gi', 2 * 2 ** 30), limit: q('8Gi', 8 * 2 ** 30) },
    note: 'asset processing',
    source: 'x#L30',
  },
});
const relay = container('content-outbox-relay', {
  scaling: {
    min: 2,
    max: 5,
    triggers: [
      {
        metric: 'outbox-backlog',
        metricText: 'outbox backlog',
        comparison: '>',
        threshold: 5000,
        basis: 'total',
      },
    ],
    text: 'outbox backlog > 5000',
    source: 'x#L23',
  },
});

const render = (catalogApi: ReturnType<typeof catalogApiMock>) =>
  renderInTestApp(
    <TestApiProvider apis={[[catalogApiRef, catalogApi]]}>
      <EntityProvider entity={service}>
        <DeclaredContainersCard />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('DeclaredContainersCard', () => {
  it('lists each container of the service with what the document declares', async () => {
    await render(catalogApiMock({ entities: [service, builder, relay] }));
    const table = await screen.findByRole('table', {
      name: 'containers as declared',
    });
    const rows = within(table).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByText('content-builder')).toBeInTheDocument();
    expect(within(rows[1]).getByText('2–30')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('queue depth > 50 in total'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('1000m / 4000m')).toBeInTheDocument();
    expect(within(rows[1]).getByText('asset processing')).toBeInTheDocument();
    expect(within(rows[2]).getAllByText('not declared')).toHaveLength(2);
    expect(
      screen.getByText(
        'Not charted, no requests or limits declared: content-outbox-relay',
      ),
    ).toBeInTheDocument();
  });

  it('explains an empty list', async () => {
    await render(catalogApiMock({ entities: [service] }));
    expect(await screen.findByText(/No containers yet/)).toBeInTheDocument();
  });

  it('shows a catalog failure', async () => {
    const failing = catalogApiMock.mock({
      getEntities: jest.fn().mockRejectedValue(new Error('catalog is down')),
    });
    await render(failing as unknown as ReturnType<typeof catalogApiMock>);
    expect(
      (await screen.findAllByText(/catalog is down/)).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
