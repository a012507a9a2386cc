import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import {
  BUNDLER,
  fakeKeys,
  fakeOperations,
  renderTab,
  rotation,
} from '../../__testUtils__/signingKeys';

/** Types into a field at once (a paste), which keeps the long texts fast. */
async function fill(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}

describe('SigningKeysContent', () => {
  it("shows each tenant's key, its age, the annual rotation, the drill and replication, overdue rows highlighted", async () => {
    const keys = fakeKeys();
    await renderTab({ keys });
    const table = await screen.findByRole('table', {
      name: 'signing keys per tenant',
    });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    const oasis = rows[1];
    expect(within(oasis).getByText('oasis-learning')).toBeInTheDocument();
    expect(within(oasis).getByText('426 days')).toBeInTheDocument();
    expect(
      within(oasis).getByText('overdue · 62 days ago'),
    ).toBeInTheDocument();
    expect(within(oasis).getByText('never')).toBeInTheDocument();
    expect(oasis).toHaveAttribute('data-overdue', 'true');
    expect(rows[0]).not.toHaveAttribute('data-overdue');
    expect(within(rows[0]).getByText('done this quarter')).toBeInTheDocument();
    expect(within(rows[2]).getByText('due this quarter')).toBeInTheDocument();
    expect(
      within(rows[2]).getByLabelText('me not replicated'),
    ).toBeInTheDocument();
    expect(within(rows[2]).getByLabelText('us replicated')).toBeInTheDocument();
    expect(screen.getByText('57 drills overdue')).toBeInTheDocument();
    expect(
      screen.getByText(
        /320 tenants; this quarter's drills are due by 2026-12-31/,
      ),
    ).toBeInTheDocument();
    expect(keys.getKeyInventory).toHaveBeenCalledWith(
      expect.objectContaining({
        entityRef: BUNDLER,
        sort: 'tenant',
        limit: 25,
        offset: 0,
      }),
    );
  });

  it('searches and filters on the server', async () => {
    const keys = fakeKeys();
    await renderTab({ keys });
    await screen.findByRole('table', { name: 'signing keys per tenant' });
    await userEvent.type(
      screen.getByLabelText('Search tenant or kid'),
      'globex',
    );
    await waitFor(() =>
      expect(keys.getKeyInventory).toHaveBeenLastCalledWith(
        expect.objectContaining({ q: 'globex' }),
      ),
    );
    await waitFor(() =>
      expect(
        within(
          screen.getByRole('table', { name: 'signing keys per tenant' }),
        ).getAllByRole('row'),
      ).toHaveLength(2),
    );
    await userEvent.click(screen.getByText('57 drills overdue'));
    await waitFor(() =>
      expect(keys.getKeyInventory).toHaveBeenLastCalledWith(
        expect.objectContaining({ drill: 'overdue' }),
      ),
    );
    // The quick filter replaces the search.
    expect(keys.getKeyInventory.mock.lastCall?.[0].q).toBeUndefined();
    expect(await screen.findByText('oasis-learning')).toBeInTheDocument();
  });

  it('says so when nothing matches, and lets the filters be cleared', async () => {
    const keys = fakeKeys();
    await renderTab({ keys });
    await screen.findByRole('table', { name: 'signing keys per tenant' });
    await userEvent.type(
      screen.getByLabelText('Search tenant or kid'),
      'nobody',
    );
    expect(
      await screen.findByText('No tenant matches these filters.'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(
      await screen.findByRole('table', { name: 'signing keys per tenant' }),
    ).toBeInTheDocument();
  });

  it("shows the backend's error when content-service does not answer", async () => {
    const fail = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ServiceUnavailableError',
            message: 'no answer on content.keys.v1.inventory within 5000 ms',
          },
          request: { method: 'GET', url: '/keys/inventory' },
          response: { statusCode: 503 },
        }),
        { status: 503, headers: { 'content-type': 'application/json' } },
      ),
    );
    await renderTab({ keys: fakeKeys({ fail }) });
    expect(
      await screen.findByText(/Could not load the signing keys/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/content\.keys\.v1\.inventory/).length,
    ).toBeGreaterThan(0);
  });

  it('asks for an emergency rotation of a tenant with a reason and the incident, then follows it awaiting approval', async () => {
    const keys = fakeKeys();
    const operations = fakeOperations();
    await renderTab({ keys, operations });
    await userEvent.click(
      await screen.findByRole('button', { name: 'rotate oasis-learning' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Rotate the signing key of oasis-learning'),
    ).toBeInTheDocument();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Ask for approval' }),
    );
    expect(
      within(dialog).getByText('Say why, in at least 10 characters.'),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'An emergency rotation needs the incident link.',
      ),
    ).toBeInTheDocument();
    expect(keys.startKeyRotation).not.toHaveBeenCalled();
    await fill(
      within(dialog).getByLabelText(/Reason/),
      'key material seen in a public paste',
    );
    await fill(
      within(dialog).getByLabelText(/Incident link/),
      'https://incidents.example/INC-1',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Ask for approval' }),
    );
    await waitFor(() => expect(keys.startKeyRotation).toHaveBeenCalledTimes(1));
    expect(keys.startKeyRotation).toHaveBeenCalledWith({
      entityRef: BUNDLER,
      tenants: ['oasis-learning'],
      mode: 'emergency',
      reason: 'key material seen in a public paste',
      incidentUrl: 'https://incidents.example/INC-1',
      idempotencyKey: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const progress = await screen.findByRole('region', {
      name: `rotation ${rotation().id}`,
    });
    expect(
      within(progress).getByText('Emergency rotation of oasis-learning'),
    ).toBeInTheDocument();
  });

  it('asks for a bulk drill of the selected tenants with a concurrency and a grace window', async () => {
    const keys = fakeKeys();
    await renderTab({ keys });
    await userEvent.click(
      await screen.findByLabelText('select oasis-learning'),
    );
    await userEvent.click(screen.getByLabelText('select globex-academy'));
    await userEvent.click(
      screen.getByRole('button', { name: 'Rotate 2 selected…' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('globex-academy, oasis-learning'),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText(/Drill/)).toBeChecked();
    await fill(
      within(dialog).getByLabelText(/Reason/),
      'quarterly emergency-rotation drill',
    );
    await userEvent.clear(within(dialog).getByLabelText('Tenants at a time'));
    await fill(within(dialog).getByLabelText('Tenants at a time'), '2');
    await userEvent.clear(within(dialog).getByLabelText('Grace window (days)'));
    await userEvent.type(
      within(dialog).getByLabelText('Grace window (days)'),
      '7',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Ask for approval' }),
    );
    await waitFor(() =>
      expect(keys.startKeyRotation).toHaveBeenCalledWith(
        expect.objectContaining({
          tenants: ['globex-academy', 'oasis-learning'],
          mode: 'drill',
          concurrency: 2,
          graceSeconds: 7 * 86_400,
        }),
      ),
    );
  });
});
