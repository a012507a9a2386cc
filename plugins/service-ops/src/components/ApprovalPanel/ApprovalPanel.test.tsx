import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { identityApiRef } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { Operation } from '@internal/backstage-plugin-service-ops-common';
import { serviceOpsApiRef } from '../../api';
import { buildWaitingOperation } from '../../__fixtures__/operations';
import { ApprovalPanel } from './ApprovalPanel';

const NOW = Date.parse('2026-11-20T10:05:00.000Z');

function awaiting(overrides: Partial<Operation> = {}): Operation {
  return {
    ...buildWaitingOperation({ createdAt: '2026-11-20T10:00:00.000Z' }),
    state: 'awaiting-approval',
    steps: [],
    approval: {
      required: 2,
      expiresAt: '2026-11-20T10:15:00.000Z',
      approvals: [
        {
          by: 'user:default/lee.platform',
          at: '2026-11-20T10:03:00.000Z',
          comment: 'seen the alert',
        },
      ],
    },
    ...overrides,
  };
}

async function renderPanel(
  operation: Operation,
  options: {
    user: string;
    canApprove?: boolean;
    approveOperation?: jest.Mock;
  },
) {
  const onChanged = jest.fn();
  const approveOperation =
    options.approveOperation ??
    jest.fn(
      async (): Promise<Operation> => ({ ...operation, state: 'pending' }),
    );
  await act(async () => {
    renderInTestApp(
      <TestApiProvider
        apis={[
          [serviceOpsApiRef, { approveOperation }],
          [identityApiRef, mockApis.identity({ userEntityRef: options.user })],
        ]}
      >
        <ApprovalPanel
          operation={operation}
          now={NOW}
          canApprove={options.canApprove ?? true}
          onChanged={onChanged}
        />
      </TestApiProvider>,
    );
  });
  const panel = await screen.findByRole('region', { name: 'approvals' });
  return { panel, onChanged, approveOperation };
}

describe('ApprovalPanel', () => {
  it('shows how many approvals there are of how many, who gave them, and the time left', async () => {
    const { panel } = await renderPanel(awaiting(), {
      user: 'user:default/sam.oncall',
    });
    expect(panel).toHaveTextContent('Awaiting approval: 1 of 2');
    expect(panel).toHaveTextContent('can be approved for 10 min more');
    expect(
      within(panel).getByRole('list', { name: 'approved by' }),
    ).toHaveTextContent('lee.platform approved 2 min ago: “seen the alert”');
  });

  it('approves with the comment typed, and hands the answer on', async () => {
    const { panel, approveOperation, onChanged } = await renderPanel(
      awaiting(),
      { user: 'user:default/sam.oncall' },
    );
    await userEvent.type(
      within(panel).getByRole('textbox', { name: 'Comment (optional)' }),
      'INC-2041 confirmed',
    );
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Approve' }),
    );
    expect(approveOperation).toHaveBeenCalledWith({
      id: awaiting().id,
      comment: 'INC-2041 confirmed',
    });
    expect(onChanged).toHaveBeenCalledWith(
      expect.objectContaining({ state: 'pending' }),
    );
  });

  it('offers no Approve to the requester, to someone who approved already, or without the permission', async () => {
    const operation = awaiting();
    const cases: Array<[string, boolean, RegExp]> = [
      [operation.actor, true, /You asked for this operation/],
      ['user:default/lee.platform', true, /You approved it already/],
      ['user:default/ola.reader', false, /You may not approve it/],
    ];
    for (const [user, canApprove, why] of cases) {
      const { panel } = await renderPanel(operation, { user, canApprove });
      expect(panel).toHaveTextContent(why);
      expect(
        within(panel).queryByRole('button', { name: 'Approve' }),
      ).not.toBeInTheDocument();
      panel.parentElement?.remove();
    }
  });

  it("shows the backend's refusal", async () => {
    const refusal = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'ConflictError',
            message: 'the approval window of operation x ended',
          },
        }),
        { status: 409, headers: { 'content-type': 'application/json' } },
      ) as any,
    );
    const { panel } = await renderPanel(awaiting(), {
      user: 'user:default/sam.oncall',
      approveOperation: jest.fn(async () => {
        throw refusal;
      }),
    });
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Approve' }),
    );
    expect(
      await within(panel).findByText(
        /the approval window of operation x ended/,
      ),
    ).toBeInTheDocument();
  });

  it('says approved, without a button, once it has what it needs', async () => {
    const { panel } = await renderPanel(
      awaiting({
        state: 'running',
        approval: {
          required: 1,
          expiresAt: '2026-11-20T10:15:00.000Z',
          approvals: [
            { by: 'user:default/lee.platform', at: '2026-11-20T10:03:00.000Z' },
          ],
        },
      }),
      { user: 'user:default/sam.oncall' },
    );
    expect(panel).toHaveTextContent('Approved (1 of 1)');
    expect(
      within(panel).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });
});
