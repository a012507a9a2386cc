import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import type { Operation } from '@internal/backstage-plugin-service-ops-common';
import { serviceOpsApiRef, StartCollabDrainOptions } from '../../api';
import {
  buildPreview,
  buildWaitingOperation,
  COLLAB_REF,
} from '../../__fixtures__/operations';
import { ConfirmDrainDialog } from './ConfirmDrainDialog';

const REASON = 'Roll the collab pods onto the patched node image';
const UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

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

async function renderDialog(
  startCollabDrain: (options: StartCollabDrainOptions) => Promise<Operation>,
) {
  const onStarted = jest.fn();
  const onClose = jest.fn();
  await act(async () => {
    renderInTestApp(
      <TestApiProvider apis={[[serviceOpsApiRef, { startCollabDrain }]]}>
        <ConfirmDrainDialog
          open
          targetName="authoring-collab"
          target={{ entityRef: COLLAB_REF, cluster: 'eu', noticeSeconds: 5 }}
          preview={buildPreview({ cluster: 'eu', noticeSeconds: 5 })}
          onClose={onClose}
          onStarted={onStarted}
        />
      </TestApiProvider>,
    );
  });
  const dialog = await screen.findByRole('dialog', {
    name: 'Drain 3 pod(s) of authoring-collab in eu?',
  });
  return {
    dialog,
    onStarted,
    onClose,
    name: within(dialog).getByLabelText(/Type authoring-collab to confirm/),
    reason: within(dialog).getByLabelText(/Reason/),
    incident: within(dialog).getByLabelText(/Incident link/),
    drain: within(dialog).getByRole('button', { name: 'Drain' }),
  };
}

describe('ConfirmDrainDialog', () => {
  it('says what the drain will do', async () => {
    const { dialog } = await renderDialog(jest.fn());
    expect(dialog).toHaveTextContent(
      'The 59 connected session(s) on authoring-collab-7d9f6c-eu1x, authoring-collab-7d9f6c-eu2x, authoring-collab-7d9f6c-eu3x are told to move, then after 5 s the pods are evicted one at a time',
    );
    expect(dialog).toHaveTextContent('about 3 min 5 s in all');
  });

  it('keeps Drain disabled until the name and the reason are right', async () => {
    const operation = buildWaitingOperation();
    const start = jest.fn(
      async (_options: StartCollabDrainOptions) => operation,
    );
    const { dialog, name, reason, incident, drain, onStarted } =
      await renderDialog(start);
    expect(drain).toBeDisabled();

    await userEvent.type(name, 'authoring-colab');
    await userEvent.type(reason, REASON);
    expect(drain).toBeDisabled();
    expect(dialog).toHaveTextContent(
      "Type the target's name exactly: authoring-collab",
    );

    await userEvent.clear(name);
    await userEvent.type(name, 'authoring-collab');
    await userEvent.clear(reason);
    await userEvent.type(reason, 'too short');
    expect(drain).toBeDisabled();

    await userEvent.type(reason, ' — the node image is patched');
    await userEvent.type(incident, 'not a link');
    expect(drain).toBeDisabled();
    await userEvent.clear(incident);
    await userEvent.type(incident, 'https://incidents.example.com/INC-2041');
    expect(drain).toBeEnabled();

    await userEvent.click(drain);
    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(operation));
    expect(start).toHaveBeenCalledTimes(1);
    expect(start).toHaveBeenCalledWith({
      entityRef: COLLAB_REF,
      cluster: 'eu',
      noticeSeconds: 5,
      reason: 'too short — the node image is patched',
      confirm: 'authoring-collab',
      incidentUrl: 'https://incidents.example.com/INC-2041',
      idempotencyKey: expect.stringMatching(UUID),
    });
  });

  it('shows a 409 from the backend and stays open', async () => {
    const message = `a collab-drain is already running on ${COLLAB_REF} in eu (operation 0c4e2b8a-1d3f-4a5b-8c6d-7e8f9a0b1c2d, started by user:default/sam.oncall)`;
    const refusal = await responseError(409, message);
    const { dialog, name, reason, drain, onStarted, onClose } =
      await renderDialog(async () => {
        throw refusal;
      });
    await userEvent.type(name, 'authoring-collab');
    await userEvent.type(reason, REASON);
    await userEvent.click(drain);

    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent(
      'A drain is already running on this target',
    );
    expect(alert).toHaveTextContent(message);
    expect(onStarted).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(drain).toBeEnabled();
  });

  it('shows a 403 as a missing permission', async () => {
    const refusal = await responseError(
      403,
      `you may not drain ${COLLAB_REF}: service-ops.operation.collab-drain is for its owners and the platform on-call group`,
    );
    const { dialog, name, reason, drain } = await renderDialog(async () => {
      throw refusal;
    });
    await userEvent.type(name, 'authoring-collab');
    await userEvent.type(reason, REASON);
    await userEvent.click(drain);
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('You may not drain this container');
    expect(alert).toHaveTextContent('is for its owners');
  });

  it('sends the same Idempotency-Key when a submit that got no answer is retried', async () => {
    const start = jest
      .fn(async (_options: StartCollabDrainOptions) => buildWaitingOperation())
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockRejectedValueOnce(
        await responseError(400, 'reason may have at most 2000 characters'),
      );
    const { dialog, name, reason, drain, onStarted } = await renderDialog(
      start,
    );
    await userEvent.type(name, 'authoring-collab');
    await userEvent.type(reason, REASON);

    await userEvent.click(drain);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /Could not reach the backend.*Failed to fetch.*press Drain again to retry/,
    );
    await userEvent.click(drain);
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /The backend refused the request.*reason may have at most 2000 characters/,
    );
    await userEvent.click(drain);
    await waitFor(() => expect(onStarted).toHaveBeenCalled());

    const keys = start.mock.calls.map(([options]) => options.idempotencyKey);
    expect(keys).toHaveLength(3);
    // The retry after no answer repeats the key; after an answer, a submit is new.
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
    expect(keys[2]).toMatch(UUID);
  });
});
