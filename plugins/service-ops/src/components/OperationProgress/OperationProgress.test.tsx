import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import type { Operation } from '@internal/backstage-plugin-service-ops-common';
import { serviceOpsApiRef } from '../../api';
import { operationWording } from '../../lib/operationWording';
import {
  buildEvictingOperation,
  buildFailedOperation,
  buildWaitingOperation,
} from '../../__fixtures__/operations';
import { rotation as signingKeysRotation } from '../../__testUtils__/signingKeys';
import { OperationProgress } from './OperationProgress';

const CREATED = '2026-11-20T10:00:00.000Z';
/** 240.5 s after the drain was asked for: the notice (from 10:00:01, 300 s) has 61 s left. */
const NOW = Date.parse('2026-11-20T10:04:00.500Z');

async function renderProgress(
  operation: Operation,
  options: {
    canCancel?: boolean;
    cancelOperation?: (o: { id: string }) => Promise<Operation>;
  } = {},
) {
  const onChanged = jest.fn();
  const cancelOperation = jest.fn(
    options.cancelOperation ??
      (async () => ({
        ...operation,
        state: 'cancelling' as const,
        cancelRequestedBy: 'user:default/dana.author',
      })),
  );
  await act(async () => {
    renderInTestApp(
      <TestApiProvider apis={[[serviceOpsApiRef, { cancelOperation }]]}>
        <OperationProgress
          operation={operation}
          now={NOW}
          canCancel={options.canCancel ?? true}
          onChanged={onChanged}
        />
      </TestApiProvider>,
    );
  });
  const section = await screen.findByRole('region', {
    name: `${operationWording(operation).noun} ${operation.id}`,
  });
  return { section, onChanged, cancelOperation };
}

/** Clicks the section's Cancel button and returns the confirmation dialog. */
async function openCancelDialog(section: HTMLElement, noun: string) {
  await userEvent.click(
    within(section).getByRole('button', { name: `Cancel ${noun}` }),
  );
  return screen.findByRole('dialog', { name: `Cancel this ${noun}?` });
}

const stepTexts = (section: HTMLElement) =>
  within(section)
    .getAllByRole('listitem')
    .map(item => item.textContent);

describe('OperationProgress', () => {
  it('shows the steps of a drain in its notice, with the countdown and the progress', async () => {
    const { section } = await renderProgress(
      buildWaitingOperation({ createdAt: CREATED }),
    );
    expect(section).toHaveTextContent('running');
    expect(section).toHaveTextContent('Drain of 3 pod(s) in eu');
    expect(section).toHaveTextContent('asked by dana.author 4 min ago');
    expect(section).toHaveTextContent(
      'Reason: Roll the collab pods onto the patched node image · incident',
    );
    expect(
      within(section).getByRole('link', { name: /incident/ }),
    ).toHaveAttribute('href', 'https://incidents.example.com/INC-2041');
    expect(
      within(section).getByRole('progressbar', { name: 'drain progress' }),
    ).toHaveAttribute('aria-valuenow', '17');
    expect(section).toHaveTextContent('1 of 6 steps done');
    // Not the executor's next wake-up (waitingUntil, 10:01:05): the notice's end.
    expect(within(section).getByRole('timer')).toHaveTextContent(
      'Notice running: the first eviction in 1 min 1 s',
    );

    expect(stepTexts(section)).toEqual([
      expect.stringMatching(
        /^succeeded.*Notify the clients of 3 pod\(s\).*3 pod\(s\) notified; 59 session\(s\) asked to move.*took 1 s$/,
      ),
      expect.stringMatching(
        /^running.*Wait 300 s for clients to move.*21 session\(s\) left on the notified pods.*for 3 min 59 ssessions left on the notified pods: 59 at .+, 21 at .+$/,
      ),
      'pendingEvict authoring-collab-7d9f6c-eu1x and wait for its replacement',
      'pendingEvict authoring-collab-7d9f6c-eu2x and wait for its replacement',
      'pendingEvict authoring-collab-7d9f6c-eu3x and wait for its replacement',
      'pendingSessions reconnected',
    ]);
  });

  it('shows an eviction waiting for its replacement, without a countdown', async () => {
    const { section } = await renderProgress(buildEvictingOperation());
    expect(within(section).queryByRole('timer')).not.toBeInTheDocument();
    expect(section).toHaveTextContent('3 of 6 steps done');
    expect(stepTexts(section)[3]).toMatch(
      /^running.*Evict authoring-collab-7d9f6c-eu2x.*waiting for the replacement: 2 of 3 pod\(s\) Ready/,
    );
  });

  it('says what a failure left behind', async () => {
    const { section } = await renderProgress(buildFailedOperation());
    expect(section).toHaveTextContent('failed');
    expect(section).toHaveTextContent(
      'The drain failedthe replacement of authoring-collab-7d9f6c-us1x was not Ready within 600 s',
    );
    expect(section).toHaveTextContent(
      'Pods evicted before the failure stay replaced',
    );
    expect(
      within(section).queryByRole('button', { name: 'Cancel drain' }),
    ).not.toBeInTheDocument();
  });

  it('cancels the drain after its confirmation', async () => {
    const operation = buildWaitingOperation({ createdAt: CREATED });
    const { section, cancelOperation, onChanged } = await renderProgress(
      operation,
    );
    const dialog = await openCancelDialog(section, 'drain');
    expect(dialog).toHaveTextContent(
      'No further pod is evicted. The pods not evicted yet are told the drain is off',
    );

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Keep draining' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(cancelOperation).not.toHaveBeenCalled();

    await userEvent.click(
      within(await openCancelDialog(section, 'drain')).getByRole('button', {
        name: 'Cancel drain',
      }),
    );
    await waitFor(() =>
      expect(cancelOperation).toHaveBeenCalledWith({ id: operation.id }),
    );
    await waitFor(() =>
      expect(onChanged).toHaveBeenCalledWith(
        expect.objectContaining({ id: operation.id, state: 'cancelling' }),
      ),
    );
  });

  it('shows why a cancel was refused', async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message:
              'you may not cancel operations on component:default/authoring-collab',
          },
          request: { method: 'POST', url: '/operations/x/cancel' },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'content-type': 'application/json' } },
      ),
    );
    const { section } = await renderProgress(
      buildWaitingOperation({ createdAt: CREATED }),
      {
        cancelOperation: async () => {
          throw refusal;
        },
      },
    );
    const dialog = await openCancelDialog(section, 'drain');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel drain' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      'Could not cancel the drainyou may not cancel operations on component:default/authoring-collab',
    );
  });

  it('offers no Cancel to a user who may not drain', async () => {
    const { section } = await renderProgress(
      buildWaitingOperation({ createdAt: CREATED }),
      { canCancel: false },
    );
    expect(
      within(section).queryByRole('button', { name: 'Cancel drain' }),
    ).not.toBeInTheDocument();
  });

  describe('of a key rotation', () => {
    const rotation = (overrides: Partial<Operation> = {}) =>
      signingKeysRotation({
        createdAt: CREATED,
        updatedAt: CREATED,
        approval: {
          required: 1,
          expiresAt: new Date(NOW + 1_800_000).toISOString(),
          approvals: [],
        },
        ...overrides,
      });

    it('shows one awaiting approval in its words, without a progress bar or a running time', async () => {
      const { section } = await renderProgress(rotation());
      expect(section).toHaveTextContent('awaiting approval');
      expect(section).toHaveTextContent('Emergency rotation of oasis-learning');
      expect(section).toHaveTextContent('asked by chen.content 4 min ago');
      expect(section).not.toHaveTextContent('running for');
      expect(section).toHaveTextContent(
        'Reason: key material seen in a public paste · incident',
      );
      expect(
        within(section).getByRole('region', { name: 'approvals' }),
      ).toHaveTextContent('Awaiting approval: 0 of 1');
      expect(within(section).queryByRole('progressbar')).toBeNull();
      expect(section).not.toHaveTextContent('steps done');
    });

    it('says what cancelling a rotation does, and cancels it', async () => {
      const operation = rotation();
      const { section, cancelOperation } = await renderProgress(operation);
      const dialog = await openCancelDialog(section, 'rotation');
      expect(dialog).toHaveTextContent(
        'Tenants not started are left alone. A tenant whose new key is not active yet has that key revoked',
      );
      expect(
        within(dialog).getByRole('button', { name: 'Keep rotating' }),
      ).toBeInTheDocument();
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Cancel rotation' }),
      );
      await waitFor(() =>
        expect(cancelOperation).toHaveBeenCalledWith({ id: operation.id }),
      );
    });

    it("shows a finished bulk drill's outcome and time", async () => {
      const { section } = await renderProgress(
        rotation({
          state: 'succeeded',
          parameters: {
            tenants: ['acme-learning', 'globex-academy'],
            mode: 'drill',
            graceSeconds: 604_800,
            concurrency: 2,
          },
          steps: [
            {
              id: 'tenant:acme-learning',
              title: 'acme-learning',
              status: 'succeeded',
            },
            {
              id: 'tenant:globex-academy',
              title: 'globex-academy',
              status: 'succeeded',
            },
          ],
          startedAt: '2026-11-20T10:01:00.000Z',
          finishedAt: '2026-11-20T10:03:30.000Z',
        }),
      );
      expect(section).toHaveTextContent('Drill of 2 tenants');
      expect(section).toHaveTextContent('took 2 min 30 s');
      expect(section).toHaveTextContent(
        "Every region's JWKS has the new key, it signs, and the rotated event was published.",
      );
      expect(
        within(section).getByRole('progressbar', { name: 'rotation progress' }),
      ).toHaveAttribute('aria-valuenow', '100');
      expect(
        within(section).queryByRole('button', { name: 'Cancel rotation' }),
      ).toBeNull();
    });

    it('says who cancelled a rotation and where to look', async () => {
      const { section } = await renderProgress(
        rotation({
          state: 'cancelled',
          cancelRequestedBy: 'user:default/sam.oncall',
          finishedAt: '2026-11-20T10:02:00.000Z',
        }),
      );
      expect(section).toHaveTextContent(
        'Cancelled by sam.oncall: see each step for what it left.',
      );
    });
  });
});
