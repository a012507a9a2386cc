import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { ResponseError } from '@backstage/errors';
import {
  Operation,
  operationsChannel,
} from '@internal/backstage-plugin-service-ops-common';
import {
  ServiceOpsApi,
  serviceOpsApiRef,
  StartCollabDrainOptions,
} from '../../api';
import { MockSignalApi } from '../../__fixtures__/MockSignalApi';
import { backlogApiFixtures } from '../../__fixtures__/backlog';
import { buildHistory } from '../../__fixtures__/snapshots';
import {
  buildCollabSnapshot,
  buildOperationList,
  buildPreview,
  buildSucceededOperation,
  buildWaitingOperation,
  COLLAB_REF,
  collabEntity,
  collabPodNames,
  operationsApiFixtures,
} from '../../__fixtures__/operations';
import { ActionsContent } from './ActionsContent';

const secondsAgo = (seconds: number) =>
  new Date(Date.now() - seconds * 1000).toISOString();

/** A backend with the collab container's live state and the given operations. */
function fakeBackend(options: { operations?: Operation[] } = {}) {
  const operations = options.operations ?? [];
  return {
    getSnapshot: jest.fn(async () => buildCollabSnapshot()),
    getHistory: jest.fn(async () => buildHistory(buildCollabSnapshot())),
    ...backlogApiFixtures(),
    previewCollabDrain: jest.fn(
      async (target: Parameters<ServiceOpsApi['previewCollabDrain']>[0]) =>
        buildPreview(target),
    ),
    startCollabDrain: jest.fn(async (_options: StartCollabDrainOptions) =>
      buildWaitingOperation({ createdAt: secondsAgo(1) }),
    ),
    getOperations: jest.fn(async () => buildOperationList(operations)),
    getOperation: jest.fn(
      async ({ id }: { id: string }) =>
        operations.find(o => o.id === id) ??
        buildWaitingOperation({ createdAt: secondsAgo(1) }),
    ),
    cancelOperation: jest.fn(async ({ id }: { id: string }) => ({
      ...(operations.find(o => o.id === id) ?? buildWaitingOperation()),
      state: 'cancelling' as const,
      cancelRequestedBy: 'user:default/dana.author',
    })),
    approveOperation: jest.fn(async ({ id }: { id: string }) => ({
      ...(operations.find(o => o.id === id) ?? buildWaitingOperation()),
      state: 'pending' as const,
    })),
    getRollout: operationsApiFixtures().getRollout,
    previewRollout: operationsApiFixtures().previewRollout,
    startRollout: operationsApiFixtures().startRollout,
  } satisfies ServiceOpsApi;
}

/** The tab for a user allowed to drain (see ActionsContent.permissions.test.tsx). */
async function renderTab(api: ServiceOpsApi) {
  const signals = new MockSignalApi();
  const permissions = mockApis.permission();
  await act(async () => {
    renderInTestApp(
      <TestApiProvider
        apis={[[serviceOpsApiRef, api], [signalApiRef, signals], permissions]}
      >
        <EntityProvider entity={collabEntity}>
          <ActionsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
  });
  return { signals };
}

async function responseError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', message },
        request: { method: 'POST', url: '/operations/collab-drain' },
        response: { statusCode: status },
      }),
      { status, headers: { 'content-type': 'application/json' } },
    ),
  );
}

/** Chooses a region and waits for its preview. */
async function chooseRegion(region: string) {
  await userEvent.click(
    within(
      await screen.findByRole('group', { name: 'region to drain' }),
    ).getByRole('button', { name: region }),
  );
  return screen.findByRole('table', { name: 'pods in eviction order' });
}

/** Opens the confirmation dialog of the previewed drain. */
async function openDialog() {
  const drain = await screen.findByRole('button', { name: /^Drain 3 pod/ });
  await waitFor(() => expect(drain).toBeEnabled());
  await userEvent.click(drain);
  return screen.findByRole('dialog', { name: /Drain 3 pod\(s\)/ });
}

const REASON = 'Roll the collab pods onto the patched node image';

describe('ActionsContent', () => {
  it('previews a drain of the chosen region, pods and notice', async () => {
    const api = fakeBackend();
    await renderTab(api);
    const table = await chooseRegion('eu');
    expect(api.previewCollabDrain).toHaveBeenLastCalledWith({
      entityRef: COLLAB_REF,
      cluster: 'eu',
    });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row => row.textContent);
    expect(rows).toEqual([
      '1authoring-collab-7d9f6c-eu1xyes42',
      '2authoring-collab-7d9f6c-eu2xyes17',
      '3authoring-collab-7d9f6c-eu3xyes0',
    ]);
    const preview = screen.getByRole('region', { name: 'drain preview' });
    expect(preview).toHaveTextContent('about 8 min in all');
    expect(preview).toHaveTextContent(
      'PodDisruptionBudget authoring-collab allows 1 disruption(s) now.',
    );
    expect(preview).toHaveTextContent(
      'Dry-run eviction of authoring-collab-7d9f6c-eu1x: allowed.',
    );
    expect(preview).toHaveTextContent(
      '59 connected session(s) will be asked to move within 300 s',
    );

    // Keep one pod, and give a short notice.
    await userEvent.click(
      screen.getByRole('checkbox', { name: 'authoring-collab-7d9f6c-eu3x' }),
    );
    await userEvent.type(screen.getByLabelText('Notice (seconds)'), '5');
    await waitFor(() =>
      expect(api.previewCollabDrain).toHaveBeenLastCalledWith({
        entityRef: COLLAB_REF,
        cluster: 'eu',
        pods: collabPodNames('eu').slice(0, 2),
        noticeSeconds: 5,
      }),
    );
    expect(
      await screen.findByRole('button', { name: /^Drain 2 pod\(s\) in eu/ }),
    ).toBeEnabled();
  });

  it('says when a drain already runs in the region, and offers no second one', async () => {
    const api = fakeBackend();
    api.previewCollabDrain.mockImplementation(async target => ({
      ...buildPreview(target),
      runningOperationId: '0c4e2b8a-1d3f-4a5b-8c6d-7e8f9a0b1c2d',
    }));
    await renderTab(api);
    await chooseRegion('me');
    expect(
      screen.getByRole('region', { name: 'drain preview' }),
    ).toHaveTextContent(
      'A drain is already running in meOperation 0c4e2b8a-1d3f-4a5b-8c6d-7e8f9a0b1c2d is shown above',
    );
    expect(
      screen.getByRole('button', { name: /^Drain 3 pod\(s\) in me/ }),
    ).toBeDisabled();
    expect(
      screen.getByText('A drain is already running in me.'),
    ).toBeInTheDocument();
  });

  it('starts a drain from the dialog and follows it on the page', async () => {
    const api = fakeBackend();
    await renderTab(api);
    await chooseRegion('eu');
    const dialog = await openDialog();
    await userEvent.type(
      within(dialog).getByLabelText(/Type authoring-collab/),
      'authoring-collab',
    );
    await userEvent.type(within(dialog).getByLabelText(/Reason/), REASON);
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Drain' }),
    );

    await waitFor(() => expect(api.startCollabDrain).toHaveBeenCalledTimes(1));
    expect(api.startCollabDrain).toHaveBeenCalledWith({
      entityRef: COLLAB_REF,
      cluster: 'eu',
      reason: REASON,
      confirm: 'authoring-collab',
      idempotencyKey: expect.any(String),
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    const id = buildWaitingOperation().id;
    const section = await screen.findByRole('region', { name: `drain ${id}` });
    expect(api.getOperation).toHaveBeenCalledWith({ id });
    expect(section).toHaveTextContent('Drain of 3 pod(s) in eu');
    expect(
      within(section)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toHaveLength(6);
  });

  it('follows a drain through its signals until it succeeds', async () => {
    const waiting = buildWaitingOperation({ createdAt: secondsAgo(60) });
    const api = fakeBackend({ operations: [waiting] });
    const { signals } = await renderTab(api);
    const section = await screen.findByRole('region', {
      name: `drain ${waiting.id}`,
    });
    expect(signals.channels()).toContain(operationsChannel(COLLAB_REF));

    const done = buildSucceededOperation({
      id: waiting.id,
      createdAt: secondsAgo(600),
    });
    api.getOperation.mockResolvedValue(done);
    api.getOperations.mockResolvedValue(buildOperationList([done]));
    act(() =>
      signals.publish(operationsChannel(COLLAB_REF), {
        id: waiting.id,
        entityRef: COLLAB_REF,
        state: 'succeeded',
        updatedAt: new Date().toISOString(),
      }),
    );
    await waitFor(() =>
      expect(section).toHaveTextContent(
        'Every pod was replaced and the sessions reconnected.',
      ),
    );
    expect(api.getOperation).toHaveBeenCalledTimes(2);
    expect(
      within(section).getByRole('progressbar', { name: 'drain progress' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(within(section).queryByRole('timer')).not.toBeInTheDocument();
    expect(
      within(section).queryByRole('button', { name: 'Cancel drain' }),
    ).not.toBeInTheDocument();
  });

  it('says when no drain has been run', async () => {
    await renderTab(fakeBackend());
    expect(
      await screen.findByText('No drain has been run on this container yet.'),
    ).toBeInTheDocument();
    expect(screen.queryByText('Drain progress')).not.toBeInTheDocument();
  });

  it('shows the backend’s error when the history cannot be loaded', async () => {
    const api = fakeBackend();
    api.getOperations.mockRejectedValue(
      await responseError(
        403,
        `you may not read the live state of ${COLLAB_REF}`,
      ),
    );
    await renderTab(api);
    expect(
      await screen.findByText(/Could not load the operations/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(
        new RegExp(`you may not read the live state of ${COLLAB_REF}`),
      ).length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByRole('table', { name: 'operations history' }),
    ).not.toBeInTheDocument();
  });
});
