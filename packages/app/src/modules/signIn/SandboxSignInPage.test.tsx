import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { configApiRef, discoveryApiRef } from '@backstage/core-plugin-api';
import { SANDBOX_USER_KEY, SandboxSignInPage } from './SandboxSignInPage';

const users = [
  { name: 'dana.author', title: 'Dana Author (authoring team)' },
  { name: 'sam.oncall', title: 'Sam Oncall (platform on-call)' },
];

/** A session as the auth backend's refresh answers it. */
function session(user: string) {
  return {
    profile: { displayName: user },
    backstageIdentity: {
      // header.payload.signature, the payload with an expiry an hour ahead
      token: `e30.${btoa(
        JSON.stringify({
          sub: `user:default/${user}`,
          exp: Date.now() / 1000 + 3600,
        }),
      )}.sig`,
      identity: {
        type: 'user',
        userEntityRef: `user:default/${user}`,
        ownershipEntityRefs: [`user:default/${user}`],
      },
    },
  };
}

async function renderPage(options: { users?: object[] } = {}) {
  const onSignInSuccess = jest.fn();
  await act(async () => {
    renderInTestApp(
      <TestApiProvider
        apis={[
          [
            configApiRef,
            mockApis.config({
              data: {
                auth: {
                  providers: { sandbox: { users: options.users ?? users } },
                },
              },
            }),
          ],
          [discoveryApiRef, mockApis.discovery({ baseUrl: 'http://backend' })],
        ]}
      >
        <SandboxSignInPage onSignInSuccess={onSignInSuccess} />
      </TestApiProvider>,
    );
  });
  return { onSignInSuccess };
}

describe('SandboxSignInPage', () => {
  let fetchMock: jest.SpyInstance;
  beforeEach(() => {
    localStorage.clear();
    fetchMock = jest
      .spyOn(global, 'fetch')
      .mockImplementation(
        async (_url, init) =>
          new Response(
            JSON.stringify(
              session(new Headers(init?.headers).get('x-sandbox-user') ?? '?'),
            ),
            { status: 200, headers: { 'content-type': 'application/json' } },
          ),
      );
  });
  afterEach(() => fetchMock.mockRestore());

  it('offers the configured users and signs in as the one picked, remembering the choice', async () => {
    const { onSignInSuccess } = await renderPage();
    const list = screen.getByRole('list', { name: 'sandbox users' });
    expect(list).toHaveTextContent('Dana Author (authoring team)');
    expect(list).toHaveTextContent('Sam Oncall (platform on-call)');
    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in as sam.oncall' }),
    );
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    const [url, init] = fetchMock.mock.calls[0];
    expect(String(url)).toBe('http://backend/api/auth/sandbox/refresh');
    expect(new Headers(init.headers).get('x-sandbox-user')).toBe('sam.oncall');
    expect(localStorage.getItem(SANDBOX_USER_KEY)).toBe('sam.oncall');
    const identity = onSignInSuccess.mock.calls[0][0];
    expect((await identity.getBackstageIdentity()).userEntityRef).toBe(
      'user:default/sam.oncall',
    );
  });

  it('signs in again as the remembered user, and forgets them on sign-out', async () => {
    localStorage.setItem(SANDBOX_USER_KEY, 'dana.author');
    const { onSignInSuccess } = await renderPage();
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    expect(
      new Headers(fetchMock.mock.calls[0][1].headers).get('x-sandbox-user'),
    ).toBe('dana.author');
    fetchMock.mockImplementation(async () => new Response('', { status: 200 }));
    await onSignInSuccess.mock.calls[0][0].signOut();
    expect(localStorage.getItem(SANDBOX_USER_KEY)).toBeNull();
  });

  it('ignores a remembered user who is no longer offered', async () => {
    localStorage.setItem(SANDBOX_USER_KEY, 'mallory');
    await renderPage();
    expect(
      screen.getByRole('list', { name: 'sandbox users' }),
    ).toBeInTheDocument();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('says when no users are configured', async () => {
    await renderPage({ users: [] });
    expect(
      screen.getByText(
        'No users are configured (auth.providers.sandbox.users).',
      ),
    ).toBeInTheDocument();
  });

  it('tries again while the backend does not answer (it may be restarting)', async () => {
    const answer = fetchMock.getMockImplementation()!;
    fetchMock.mockImplementationOnce(async () => {
      throw new TypeError('Failed to fetch');
    });
    // A backend whose plugins are still starting answers 503.
    fetchMock.mockImplementationOnce(
      async () => new Response('starting', { status: 503 }),
    );
    fetchMock.mockImplementation(answer);
    localStorage.setItem(SANDBOX_USER_KEY, 'sam.oncall');
    const { onSignInSuccess } = await renderPage();
    expect(
      await screen.findByText(
        'The backend is starting or restarting; trying again…',
      ),
    ).toBeInTheDocument();
    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled(), {
      timeout: 15_000,
    });
    expect(fetchMock).toHaveBeenCalledTimes(3);
  });

  it("shows the backend's refusal and lets the user pick another", async () => {
    fetchMock.mockImplementation(
      async () =>
        new Response(
          JSON.stringify({
            error: {
              name: 'NotAllowedError',
              message: 'the sandbox sign-in is for development only',
            },
          }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        ),
    );
    await renderPage();
    await userEvent.click(
      screen.getByRole('button', { name: 'Sign in as dana.author' }),
    );
    expect(
      await screen.findByText(/Could not sign in as dana.author/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Choose another user' }),
    );
    expect(
      screen.getByRole('list', { name: 'sandbox users' }),
    ).toBeInTheDocument();
  });
});
