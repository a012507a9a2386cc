import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { DeclaredDeploymentCard } from './DeclaredDeploymentCard';

const doc =
  'file:///repo/docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md';

function container(serviceOps: Record<string, unknown>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'authoring-collab' },
    spec: {
      type: 'websocket',
      serviceOps: {
        service: 'component:default/authoring-service',
        container: 'authoring-collab',
        ...serviceOps,
      },
    },
  };
}

const scaling = {
  min: 2,
  max: 20,
  triggers: [
    {
      metric: 'active-ws-connections',
      metricText: 'active WS connections',
      comparison: '>',
      threshold: 500,
      basis: 'perPod',
    },
  ],
  text: 'active WS connections > 500/pod',
  source: `${doc}#L17`,
};
const resources = {
  cpu: {
    request: { text: '500m', value: 0.5 },
    limit: { text: '2000m', value: 2 },
  },
  memory: {
    request: { text: '1Gi', value: 2 ** 30 },
    limit: { text: '4Gi', value: 4 * 2 ** 30 },
  },
  note: 'Yjs docs in memory',
  source: `${doc}#L29`,
};

const render = (entity: Entity) =>
  renderInTestApp(
    <EntityProvider entity={entity}>
      <DeclaredDeploymentCard />
    </EntityProvider>,
  );

describe('DeclaredDeploymentCard', () => {
  it('shows the declared replicas, trigger, requests, limits and where they come from', async () => {
    await render(container({ scaling, resources }));
    expect(
      screen.getByText('2 to 20 replicas, scaling out when'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('active WS connections > 500 per pod'),
    ).toBeInTheDocument();
    expect(screen.getByText('500m (0.5 cores)')).toBeInTheDocument();
    expect(screen.getByText('4Gi (4 GiB)')).toBeInTheDocument();
    expect(screen.getByText('Note: Yjs docs in memory')).toBeInTheDocument();
    expect(
      screen.getByText(
        'Source: docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md, line 17',
      ),
    ).toBeInTheDocument();
  });

  it('says what the document does not declare', async () => {
    await render(container({ scaling }));
    expect(
      screen.getByText(
        'The topology document declares no requests or limits for authoring-collab.',
      ),
    ).toBeInTheDocument();
  });

  it('lists the problems of the container rows', async () => {
    await render(
      container({
        problems: [
          `${doc}:17: scaling of 'authoring-collab': min 5 is above max 3`,
        ],
      }),
    );
    expect(
      screen.getByText('Some rows of the document could not be read:'),
    ).toBeInTheDocument();
    expect(screen.getByText(/min 5 is above max 3/)).toBeInTheDocument();
  });

  it('reports a declared model it cannot read', async () => {
    await render(container({ scaling: { ...scaling, min: 'two' } }));
    expect(
      screen.getByText(
        /spec.serviceOps.scaling.min: Expected number, received string/,
      ),
    ).toBeInTheDocument();
  });
});
