import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ResponseError } from '@backstage/errors';
import { CONTENT_API_REF } from '../../__fixtures__/rollouts';
import { fakeApi, renderTab } from '../../__testUtils__/rolloutsApi';

describe('RolloutActions (the Actions tab of content-api)', () => {
  it('shows each region with its ladder, current step, weight, pods and no analysis', async () => {
    await renderTab(fakeApi());
    const eu = await screen.findByRole('region', { name: 'rollout in eu' });
    expect(within(eu).getByText('paused')).toBeInTheDocument();
    expect(within(eu).getByText('10%')).toBeInTheDocument();
    expect(within(eu).getByText('step 1 of 5')).toBeInTheDocument();
    const ladder = within(eu).getByLabelText('steps of eu');
    // The current step (index 1, shown as step 2 of the ladder) is marked.
    expect(ladder.querySelector('[aria-current="step"]')?.textContent).toBe(
      '2pause until promoted',
    );
    const rows = within(
      within(eu).getByRole('table', { name: 'replica sets in eu' }),
    ).getAllByRole('row');
    expect(rows.map(r => r.textContent)).toEqual([
      'ReplicaSetPod hashReadyRestartsCPU of request',
      'stablestable13/3040%',
      'canarycanary21/10–',
    ]);
    expect(
      within(eu).getByText(/Analysis: none in this strategy/),
    ).toBeInTheDocument();
    expect(
      within(eu).getByRole('button', { name: 'Retry in eu' }),
    ).toBeDisabled();
    expect(screen.getByText('us → eu → me → ap')).toBeInTheDocument();
    expect(
      await screen.findByText(
        'No rollout action has been taken on this container yet.',
      ),
    ).toBeInTheDocument();
  });

  it('promotes one region after a preview, a typed name and a reason, sending what the preview showed', async () => {
    const api = fakeApi();
    await renderTab(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Promote in eu' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Promote content-api in eu?',
    });
    expect(
      await within(dialog).findByText(
        'eu: from step 1 (pause until promoted, 10%) to step 3 (pause until promoted, 50%)',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(
        'sends {"status":{"pauseConditions":null}} to the status',
      ),
    ).toBeInTheDocument();
    const promote = within(dialog).getByRole('button', { name: 'Promote' });
    expect(promote).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText(/Type content-api to confirm/),
      'content-api',
    );
    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'canary clean for an hour in eu',
    );
    await waitFor(() => expect(promote).toBeEnabled());
    await userEvent.click(promote);
    await waitFor(() => expect(api.startRollout).toHaveBeenCalledTimes(1));
    expect(api.startRollout.mock.calls[0][0]).toEqual({
      entityRef: CONTENT_API_REF,
      action: 'promote',
      clusters: ['eu'],
      expected: { eu: { stepIndex: 1, podHash: 'canary2', aborted: false } },
      reason: 'canary clean for an hour in eu',
      confirm: 'content-api',
      idempotencyKey: expect.any(String),
    });
    expect(
      await screen.findByText('Rollout actions in progress'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/at step 1 of 5; canary 1\/2 Ready/),
    ).toBeInTheDocument();
  });

  it('shows the 409 of a rollout that moved in the dialog', async () => {
    const api = fakeApi();
    api.startRollout.mockImplementation(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'ConflictError',
              message:
                'the rollout moved since you looked, nothing was done: eu: the rollout moved from step 1 to step 3',
            },
            request: { method: 'POST', url: '/operations/rollout' },
            response: { statusCode: 409 },
          }),
          { status: 409, headers: { 'content-type': 'application/json' } },
        ),
      );
    });
    await renderTab(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Abort in eu' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Abort content-api in eu?',
    });
    // An abort asks for no typed name.
    expect(
      within(dialog).queryByLabelText(/Type content-api to confirm/),
    ).not.toBeInTheDocument();
    await within(dialog).findByText(/^eu: from step 1/);
    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      'errors up on the canary',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Abort' }),
    );
    expect(
      await within(dialog).findByText(
        'The rollout moved, or another action runs on it',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/eu: the rollout moved from step 1 to step 3/),
    ).toBeInTheDocument();
  });

  it('starts a wave in the picked order', async () => {
    const api = fakeApi();
    await renderTab(api);
    await screen.findByText('us → eu → me → ap');
    // Take me out, then put it back last.
    await userEvent.click(
      screen.getByRole('button', { name: 'remove me from the wave' }),
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'add me to the wave' }),
    );
    expect(screen.getByText('us → eu → ap → me')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Promote wave' }));
    await screen.findByRole('dialog', {
      name: 'Promote content-api in us → eu → ap → me?',
    });
    expect(api.previewRollout).toHaveBeenCalledWith({
      entityRef: CONTENT_API_REF,
      action: 'promote',
      clusters: ['us', 'eu', 'ap', 'me'],
    });
  });
});
