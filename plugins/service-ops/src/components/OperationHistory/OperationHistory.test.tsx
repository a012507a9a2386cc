import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  buildFailedOperation,
  buildSucceededOperation,
  buildWaitingOperation,
} from '../../__fixtures__/operations';
import { OperationHistory } from './OperationHistory';

const NOW = Date.parse('2026-11-20T10:00:00.000Z');

/** The history's operation rows (each is followed by the row its steps open in). */
function operationRows(table: HTMLElement) {
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .filter(row => within(row).queryAllByRole('cell').length > 1);
}

describe('OperationHistory', () => {
  it('lists when, who, region, state, reason and duration, newest first', async () => {
    const running = buildWaitingOperation({ id: 'c-running' });
    const succeeded = buildSucceededOperation({ id: 'a-succeeded' });
    const failed = buildFailedOperation({ id: 'b-failed' });
    await renderInTestApp(
      <OperationHistory
        operations={[running, succeeded, failed]}
        totalCount={25}
        now={NOW}
      />,
    );
    const table = screen.getByRole('table', { name: 'operations history' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'When',
      'Who',
      'Region',
      'State',
      'Reason',
      'Duration',
      'Steps',
    ]);
    const cells = operationRows(table).map(row =>
      within(row)
        .getAllByRole('cell')
        .slice(0, 5)
        .map(cell => cell.textContent),
    );
    expect(cells).toEqual([
      [
        'dana.author',
        'eu',
        'running',
        'Roll the collab pods onto the patched node image · incident, Opens in a new window',
        '59 s so far',
      ],
      [
        'dana.author',
        'eu',
        'succeeded',
        'Roll the collab pods onto the patched node image · incident, Opens in a new window',
        '8 min 31 s',
      ],
      [
        'sam.oncall',
        'us',
        'failed',
        'Collab pods leak memory after the Yjs upgrade',
        '15 min 29 s',
      ],
    ]);
    const when = within(operationRows(table)[1]).getByRole('rowheader');
    expect(when).toHaveTextContent('2 h ago');
    expect(
      screen.getByText('The latest 3 of 25 operations.'),
    ).toBeInTheDocument();
  });

  it('opens a row to its steps and its error', async () => {
    const failed = buildFailedOperation({ id: 'b-failed' });
    await renderInTestApp(
      <OperationHistory operations={[failed]} totalCount={1} now={NOW} />,
    );
    expect(
      screen.queryByRole('list', { name: 'steps of drain b-failed' }),
    ).not.toBeInTheDocument();
    const toggle = screen.getByRole('button', {
      name: 'show the steps of the drain of us 1 d ago',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await userEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const steps = await screen.findByRole('list', {
      name: 'steps of drain b-failed',
    });
    expect(
      within(steps)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      'succeededNotify the clients of 3 pod(s)3 pod(s) notified',
      'succeededWait 300 s for clients to move0 session(s) left',
      expect.stringMatching(
        /^failedEvict authoring-collab-7d9f6c-us1x and wait for its replacementthe replacement of authoring-collab-7d9f6c-us1x was not Ready within 600 s/,
      ),
      'pendingEvict authoring-collab-7d9f6c-us2x and wait for its replacement',
      'pendingEvict authoring-collab-7d9f6c-us3x and wait for its replacement',
      'pendingSessions reconnected',
    ]);
    expect(screen.getByRole('alert')).toHaveTextContent(
      'the replacement of authoring-collab-7d9f6c-us1x was not Ready within 600 s',
    );
  });

  it('says when there is nothing yet', async () => {
    await renderInTestApp(
      <OperationHistory operations={[]} totalCount={0} now={NOW} />,
    );
    expect(
      screen.getByText('No drain has been run on this container yet.'),
    ).toBeInTheDocument();
  });
});
