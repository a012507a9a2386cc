import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { serviceOpsCollabDrainPermission } from '@internal/backstage-plugin-service-ops-common';
import { ServiceOpsApi, serviceOpsApiRef } from '../../api';
import { MockSignalApi } from '../../__fixtures__/MockSignalApi';
import { backlogApiFixtures } from '../../__fixtures__/backlog';
import { buildHistory } from '../../__fixtures__/snapshots';
import {
  buildCollabSnapshot,
  buildOperationList,
  buildPreview,
  buildWaitingOperation,
  collabEntity,
  COLLAB_REF,
  operationsApiFixtures,
} from '../../__fixtures__/operations';
import { ActionsContent } from './ActionsContent';

// In a file of its own: usePermission caches decisions (SWR) for the whole module, so
// a denial next to tests that were allowed the same permission would read their answer.

describe('ActionsContent without the drain permission', () => {
  it('explains why, and offers neither Drain nor Cancel', async () => {
    const waiting = buildWaitingOperation({
      createdAt: new Date(Date.now() - 60_000).toISOString(),
    });
    const api: ServiceOpsApi = {
      getSnapshot: async () => buildCollabSnapshot(),
      getHistory: async () => buildHistory(buildCollabSnapshot()),
      ...backlogApiFixtures(),
      ...operationsApiFixtures(),
      previewCollabDrain: jest.fn(async target => buildPreview(target)),
      startCollabDrain: jest.fn(),
      getOperations: async () => buildOperationList([waiting]),
      getOperation: async () => waiting,
    };
    const permissions = mockApis.permission({
      authorize: request =>
        request.permission.name === serviceOpsCollabDrainPermission.name
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    await act(async () => {
      renderInTestApp(
        <TestApiProvider
          apis={[
            [serviceOpsApiRef, api],
            [signalApiRef, new MockSignalApi()],
            permissions,
          ]}
        >
          <EntityProvider entity={collabEntity}>
            <ActionsContent />
          </EntityProvider>
        </TestApiProvider>,
      );
    });

    expect(
      await screen.findByText('You may not drain authoring-collab'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        /Draining needs the service-ops\.operation\.collab-drain permission on component:default\/authoring-collab/,
      ),
    ).toBeInTheDocument();

    // The preview and the running drain stay visible, without the buttons that act.
    await userEvent.click(
      within(
        await screen.findByRole('group', { name: 'region to drain' }),
      ).getByRole('button', { name: 'us' }),
    );
    await screen.findByRole('table', { name: 'pods in eviction order' });
    expect(api.previewCollabDrain).toHaveBeenCalledWith({
      entityRef: COLLAB_REF,
      cluster: 'us',
    });
    expect(
      screen.getByRole('button', { name: /^Drain 3 pod\(s\) in us/ }),
    ).toBeDisabled();
    expect(
      screen.getByText('You may not drain this container.'),
    ).toBeInTheDocument();
    const section = await screen.findByRole('region', {
      name: `drain ${waiting.id}`,
    });
    expect(section).toHaveTextContent('running');
    expect(
      within(section).queryByRole('button', { name: 'Cancel drain' }),
    ).not.toBeInTheDocument();
    expect(api.startCollabDrain).not.toHaveBeenCalled();
  });
});
