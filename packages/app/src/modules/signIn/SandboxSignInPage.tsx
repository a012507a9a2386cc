import { useEffect, useState } from 'react';
import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import { configApiRef, IdentityApi, useApi } from '@backstage/core-plugin-api';
import type { SignInPageProps } from '@backstage/plugin-app-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';

/** Where the chosen user is kept, so that a reload signs in as them again. */
export const SANDBOX_USER_KEY = 'service-ops:sandbox-user';

interface SandboxUser {
  name: string;
  title?: string;
}

/** Attempts at reaching the backend before the error is shown (it may be starting). */
const NETWORK_ATTEMPTS = 30;
const RETRY_MS = 2000;

/**
 * Whether the sign-in did not reach a backend ready to answer (no answer, or 503 while
 * its plugins start) rather than being refused.
 */
function unreachable(error?: Error): boolean {
  if (!error) return false;
  if (error.name === 'TypeError') return true;
  const { statusCode, response } = error as Error & {
    statusCode?: number;
    response?: { status?: number };
  };
  return (statusCode ?? response?.status) === 503;
}

/** Remounts the sign-in (a new attempt) after a pause, `NETWORK_ATTEMPTS` times at most. */
function RetryLater(props: { onRetry: () => void }) {
  const { onRetry } = props;
  useEffect(() => {
    const timer = setTimeout(onRetry, RETRY_MS);
    return () => clearTimeout(timer);
  }, [onRetry]);
  return (
    <Page themeId="home">
      <Header title="Sign in to the sandbox portal" />
      <Content>
        <Typography role="status">
          The backend is starting or restarting; trying again…
        </Typography>
      </Content>
    </Page>
  );
}

/** The identity, with a sign-out that also forgets the choice (back to the list). */
function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      localStorage.removeItem(SANDBOX_USER_KEY);
      await identity.signOut();
    },
  };
}

/**
 * The sandbox's sign-in page: pick one of the users in `auth.providers.sandbox.users`
 * (User entities of the catalog) and the backend's `sandbox` provider signs you in as
 * them, with their groups. Two browsers (or a private window) signed in as two people
 * can ask for an operation and approve it. Development only.
 */
export function SandboxSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const users: SandboxUser[] = (
    configApi.getOptionalConfigArray('auth.providers.sandbox.users') ?? []
  ).map(user => ({
    name: user.getString('name'),
    title: user.getOptionalString('title'),
  }));
  const [attempt, setAttempt] = useState(0);
  const [chosen, setChosen] = useState<string | undefined>(() => {
    const stored = localStorage.getItem(SANDBOX_USER_KEY) ?? undefined;
    return users.some(u => u.name === stored) ? stored : undefined;
  });

  if (chosen) {
    return (
      <ProxiedSignInPage
        key={attempt}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgettingOnSignOut(identity))
        }
        provider="sandbox"
        headers={{ 'x-sandbox-user': chosen }}
        ErrorComponent={({ error }) =>
          unreachable(error) && attempt < NETWORK_ATTEMPTS - 1 ? (
            <RetryLater onRetry={() => setAttempt(a => a + 1)} />
          ) : (
            <Page themeId="home">
              <Header title="Sign in to the sandbox portal" />
              <Content>
                <InfoCard title={`Could not sign in as ${chosen}`}>
                  <Typography paragraph>{error?.message}</Typography>
                  <Button
                    variant="outlined"
                    color="primary"
                    onClick={() => {
                      localStorage.removeItem(SANDBOX_USER_KEY);
                      setAttempt(0);
                      setChosen(undefined);
                    }}
                  >
                    Choose another user
                  </Button>
                </InfoCard>
              </Content>
            </Page>
          )
        }
      />
    );
  }

  return (
    <Page themeId="home">
      <Header title="Sign in to the sandbox portal" />
      <Content>
        <ContentHeader title="Who are you today?" />
        <Typography paragraph>
          Development only: you act as the catalog user you pick, with their
          teams&apos; permissions. Sign out to pick someone else.
        </Typography>
        {users.length === 0 ? (
          <Typography color="error">
            No users are configured (auth.providers.sandbox.users).
          </Typography>
        ) : (
          <Grid container spacing={2} component="ul" aria-label="sandbox users">
            {users.map(user => (
              <Grid item xs={12} sm={6} md={4} key={user.name} component="li">
                <InfoCard title={user.title ?? user.name}>
                  <Button
                    variant="outlined"
                    color="primary"
                    aria-label={`Sign in as ${user.name}`}
                    onClick={() => {
                      localStorage.setItem(SANDBOX_USER_KEY, user.name);
                      setChosen(user.name);
                    }}
                  >
                    Sign in as {user.name}
                  </Button>
                </InfoCard>
              </Grid>
            ))}
          </Grid>
        )}
      </Content>
    </Page>
  );
}
