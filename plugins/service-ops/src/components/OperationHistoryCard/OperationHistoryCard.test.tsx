import { screen, within } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import type { Operation } from '@internal/backstage-plugin-service-ops-common';
import {
  buildFailedOperation,
  buildOperationList,
  buildSucceededOperation,
} from '../../__fixtures__/operations';
import { OperationHistoryCard } from './OperationHistoryCard';

const NOW = Date.parse('2026-11-20T10:00:00.000Z');
const EMPTY = 'Nothing has been done on this container yet.';

function renderCard(
  history: {
    value?: ReturnType<typeof buildOperationList>;
    error?: Error;
    loading: boolean;
  },
  more: {
    kinds?: Operation['kind'][];
    noun?: string;
    children?: (operations: Operation[]) => JSX.Element;
  } = {},
) {
  return renderInTestApp(
    <OperationHistoryCard
      title="History"
      subheader="newest first"
      history={history}
      now={NOW}
      emptyText={EMPTY}
      {...more}
    />,
  );
}

describe('OperationHistoryCard', () => {
  it('shows a progress bar while the history loads', async () => {
    await renderCard({ loading: true });
    expect(
      screen.getByRole('progressbar', { name: 'loading the history' }),
    ).toBeInTheDocument();
    expect(screen.queryByText(EMPTY)).toBeNull();
  });

  it("shows the backend's error when there is no list", async () => {
    await renderCard({
      loading: false,
      error: new Error('the backend is down'),
    });
    expect(
      screen.getByText(/Could not load the operations/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/the backend is down/).length).toBeGreaterThan(
      0,
    );
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.queryByText(EMPTY)).toBeNull();
  });

  it('keeps the last list under a warning when a refetch failed', async () => {
    await renderCard({
      loading: false,
      value: buildOperationList([buildSucceededOperation({ id: 'a' })]),
      error: new Error('no answer within 5000 ms'),
    });
    expect(
      screen.getByText(
        'Warning: Could not refresh the operations; showing the last list',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText(/no answer within 5000 ms/)).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'operations history' }),
    ).toBeInTheDocument();
  });

  it('says when there is none', async () => {
    await renderCard({ loading: false, value: buildOperationList([]) });
    expect(screen.getByText(EMPTY)).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('keeps only the kinds asked for, in the table of its own, and names them in its errors', async () => {
    const drain = buildFailedOperation({ id: 'drain' });
    const rotation: Operation = {
      ...buildSucceededOperation({ id: 'rotation' }),
      kind: 'key-rotation',
    };
    const table = jest.fn((operations: Operation[]) => (
      <ul aria-label="rotations">
        {operations.map(o => (
          <li key={o.id}>{o.id}</li>
        ))}
      </ul>
    ));
    await renderCard(
      {
        loading: false,
        value: buildOperationList([drain, rotation]),
        error: new Error('gone'),
      },
      { kinds: ['key-rotation'], noun: 'rotations', children: table },
    );
    expect(
      within(screen.getByRole('list', { name: 'rotations' }))
        .getAllByRole('listitem')
        .map(i => i.textContent),
    ).toEqual(['rotation']);
    expect(
      screen.getByText(
        'Warning: Could not refresh the rotations; showing the last list',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('says there is none when no operation is of the kinds asked for', async () => {
    await renderCard(
      { loading: false, value: buildOperationList([buildFailedOperation()]) },
      { kinds: ['key-rotation'], children: () => <span>a table</span> },
    );
    expect(screen.getByText(EMPTY)).toBeInTheDocument();
    expect(screen.queryByText('a table')).toBeNull();
  });
});
