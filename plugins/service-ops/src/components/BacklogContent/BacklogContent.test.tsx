import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { ResponseError } from '@backstage/errors';
import type { EntityBacklog } from '@internal/backstage-plugin-service-ops-common';
import { ServiceOpsApi, serviceOpsApiRef } from '../../api';
import { serviceEntity } from '../../__fixtures__/entities';
import {
  buildBacklog,
  buildBacklogHistory,
  buildPoison,
  buildSagaCounts,
  buildSagaInstance,
  buildSagaList,
  buildUnreachableBacklog,
  runningSaga,
  stuckSaga,
} from '../../__fixtures__/backlog';
import {
  buildHistory,
  buildSnapshot,
  SERVICE_REF,
} from '../../__fixtures__/snapshots';
import { operationsApiFixtures } from '../../__fixtures__/operations';
import { BacklogContent } from './BacklogContent';

/** A backend answering `GET /backlog` with `backlog` and everything else with fixtures. */
function fakeBackend(backlog: EntityBacklog | Error = buildBacklog()) {
  return {
    getSnapshot: jest.fn(async () => buildSnapshot()),
    getHistory: jest.fn(async () => buildHistory(buildSnapshot())),
    getBacklog: jest.fn(async () => {
      if (backlog instanceof Error) throw backlog;
      return backlog;
    }),
    getBacklogHistory: jest.fn(async () => buildBacklogHistory()),
    getPoison: jest.fn(async () => buildPoison()),
    getSagas: jest.fn(async (options: { state?: string }) =>
      buildSagaList(
        [runningSaga, stuckSaga].filter(
          s => !options.state || s.state === options.state,
        ),
      ),
    ),
    getSagaCounts: jest.fn(async () => buildSagaCounts()),
    getSaga: jest.fn(async () => buildSagaInstance(runningSaga)),
    ...operationsApiFixtures(),
  } satisfies ServiceOpsApi;
}

async function renderTab(api: ServiceOpsApi) {
  await act(async () => {
    renderInTestApp(
      <TestApiProvider apis={[[serviceOpsApiRef, api]]}>
        <EntityProvider entity={serviceEntity}>
          <BacklogContent />
        </EntityProvider>
      </TestApiProvider>,
    );
  });
}

async function responseError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: status === 404 ? 'NotFoundError' : 'Error', message },
        request: { method: 'GET', url: '/backlog' },
        response: { statusCode: status },
      }),
      { status, headers: { 'content-type': 'application/json' } },
    ),
  );
}

/** The classes of the chip around a label: they carry the chip's palette colour. */
function chipClass(label: HTMLElement): string | undefined {
  return label.closest('[class*="MuiChip-root"]')?.className;
}

describe('BacklogContent', () => {
  it('shows a tile per consumer coloured by its level, and the consumer table', async () => {
    const api = fakeBackend();
    await renderTab(api);

    const us = await screen.findByRole('group', {
      name: 'content-builder-worker in us',
    });
    expect(us).toHaveTextContent('120 items');
    expect(us).toHaveTextContent('threshold 50 (queue depth > 50)');
    expect(chipClass(within(us).getByText('above threshold'))).toMatch(
      /MuiChip-colorError/,
    );
    const eu = screen.getByRole('group', {
      name: 'content-builder-worker in eu',
    });
    expect(eu).toHaveTextContent('12 items');
    expect(chipClass(within(eu).getByText('below threshold'))).toMatch(
      /MuiChip-colorSuccess/,
    );

    const table = screen.getByRole('table', { name: 'consumers' });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(row =>
        within(row)
          .getAllByRole('cell')
          .slice(0, 9)
          .map(cell => cell.textContent),
      );
    expect(rows).toEqual([
      [
        'content-builder-queue-depth-us',
        'us',
        'content-builder-worker',
        '30',
        '10',
        '2',
        '40',
        '120',
        'queue depth > 50',
      ],
      [
        'content-builder-queue-depth-eu',
        'eu',
        'content-builder-worker',
        '3',
        '1',
        '2',
        '4',
        '12',
        'queue depth > 50',
      ],
    ]);
    expect(
      screen.getByText('NATS connected to nats://127.0.0.1:4222'),
    ).toBeInTheDocument();
    expect(api.getBacklog).toHaveBeenCalledWith({ entityRef: SERVICE_REF });
    expect(
      await screen.findByRole('table', { name: 'poison messages' }),
    ).toHaveTextContent('max deliveries reached');
  });

  it('asks for the 24h history when the window is switched', async () => {
    const api = fakeBackend();
    await renderTab(api);
    await screen.findByRole('table', { name: 'consumers' });
    expect(api.getBacklogHistory).toHaveBeenLastCalledWith({
      entityRef: SERVICE_REF,
      window: '1h',
    });
    await userEvent.click(screen.getByRole('button', { name: '24h' }));
    await waitFor(() =>
      expect(api.getBacklogHistory).toHaveBeenLastCalledWith({
        entityRef: SERVICE_REF,
        window: '24h',
      }),
    );
  });

  it('says NATS is unreachable instead of showing an empty backlog', async () => {
    await renderTab(fakeBackend(buildUnreachableBacklog('disconnected')));
    const alert = await screen.findByText('NATS is unreachable');
    expect(alert.closest('[role="alert"]')).toHaveTextContent(
      'Last error: connect ECONNREFUSED 127.0.0.1:4222',
    );
    expect(
      screen.queryByText('No streams configured for this service'),
    ).not.toBeInTheDocument();
    const us = screen.getByRole('group', {
      name: 'content-builder-worker in us',
    });
    expect(us).toHaveTextContent('unknown');
    expect(us).toHaveTextContent(
      'NATS is disconnected (connect ECONNREFUSED 127.0.0.1:4222)',
    );
  });

  it('says a reconnecting NATS connection is being retried', async () => {
    await renderTab(fakeBackend(buildUnreachableBacklog('reconnecting')));
    expect(await screen.findByText('NATS is reconnecting')).toBeInTheDocument();
  });

  it('says when no streams are configured for the service', async () => {
    await renderTab(
      fakeBackend(
        await responseError(
          404,
          'no JetStream streams are configured for component:default/content-service (serviceOps.backlog.services.content-service)',
        ),
      ),
    );
    expect(
      await screen.findByText('No streams configured for this service'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'consumers' }),
    ).not.toBeInTheDocument();
  });

  it('shows the backend’s error', async () => {
    await renderTab(
      fakeBackend(await responseError(500, 'the database is gone')),
    );
    expect(
      (await screen.findAllByText(/the database is gone/)).length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByRole('table', { name: 'consumers' }),
    ).not.toBeInTheDocument();
  });

  it('shows the saga counts and filters the sagas by state', async () => {
    const api = fakeBackend();
    await renderTab(api);
    const counts = await screen.findByLabelText('sagas by state');
    expect(counts).toHaveTextContent('completed: 7');
    expect(counts).toHaveTextContent('malformed events: 3');

    const table = await screen.findByRole('table', { name: 'publish sagas' });
    expect(within(table).getAllByRole('row')).toHaveLength(3);
    expect(api.getSagas).toHaveBeenLastCalledWith({
      state: undefined,
      region: undefined,
    });

    await userEvent.selectOptions(screen.getByLabelText('State'), 'stuck');
    await waitFor(() =>
      expect(api.getSagas).toHaveBeenLastCalledWith({
        state: 'stuck',
        region: undefined,
      }),
    );
    const filtered = await screen.findByRole('table', {
      name: 'publish sagas',
    });
    await waitFor(() =>
      expect(within(filtered).getAllByRole('row')).toHaveLength(2),
    );
    expect(filtered).toHaveTextContent('stuck: built overdue by 15m');

    await userEvent.selectOptions(screen.getByLabelText('Region'), 'us');
    await waitFor(() =>
      expect(api.getSagas).toHaveBeenLastCalledWith({
        state: 'stuck',
        region: 'us',
      }),
    );
  });

  it('shows the timeline of the saga clicked', async () => {
    const api = fakeBackend();
    await renderTab(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: `show saga ${runningSaga.id}`,
      }),
    );
    const steps = await screen.findByRole('list', {
      name: `steps of saga ${runningSaga.id}`,
    });
    expect(api.getSaga).toHaveBeenCalledWith({ id: runningSaga.id });
    const items = within(steps).getAllByRole('listitem');
    expect(items.map(i => i.textContent)).toEqual([
      expect.stringMatching(
        /draft-published.*AUTHORING_EVENTS #101 · authoring\.course_draft\.published\.v1/,
      ),
      expect.stringMatching(
        /built.*CONTENT_EVENTS #202 · content\.play_package\.built\.v1/,
      ),
    ]);
  });
});
