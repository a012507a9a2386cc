import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  AuthenticationError,
  InputError,
  NotAllowedError,
} from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The request header naming the sandbox user to sign in as. */
export const SANDBOX_USER_HEADER = 'x-sandbox-user';

/** A user the sandbox sign-in offers: a User entity of the catalog, by name. */
export interface SandboxUser {
  name: string;
  title?: string;
}

interface SandboxSignInContext {
  users: SandboxUser[];
  /** Why it is off, when it is. */
  disabled?: string;
}

/** `auth.providers.sandbox`: the users offered, and whether it may run here. */
export function readSandboxSignIn(
  config: Config,
  nodeEnv = process.env.NODE_ENV,
): SandboxSignInContext {
  const users = (config.getOptionalConfigArray('users') ?? []).map(user => ({
    name: user.getString('name'),
    ...(user.getOptionalString('title')
      ? { title: user.getString('title') }
      : {}),
  }));
  for (const { name } of users)
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/.test(name))
      throw new InputError(
        `auth.providers.sandbox.users: '${name}' is not a User entity name`,
      );
  const allowOutside =
    config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') === true;
  return {
    users,
    ...(nodeEnv !== 'development' && !allowOutside
      ? {
          disabled:
            'the sandbox sign-in is for development only (set auth.providers.sandbox.dangerouslyAllowOutsideDevelopment to use it elsewhere)',
        }
      : {}),
  };
}

/**
 * Signs in as one of the configured users, named by the `x-sandbox-user` header that the
 * app's sandbox sign-in page sends with every session refresh. Lets one browser act as
 * the requester and another as the approver of an operation in the demo. Development
 * only, like the guest provider; it trusts the header, so never put it in front of real
 * users.
 */
export const sandboxAuthenticator = createProxyAuthenticator({
  defaultProfileTransform: async (result: { user: SandboxUser }) => ({
    profile: { displayName: result.user.title ?? result.user.name },
  }),
  initialize({ config }) {
    return readSandboxSignIn(config);
  },
  async authenticate({ req }, context: SandboxSignInContext) {
    if (context.disabled) throw new NotAllowedError(context.disabled);
    const name = req.header(SANDBOX_USER_HEADER);
    if (!name)
      throw new AuthenticationError(
        `the ${SANDBOX_USER_HEADER} header must name the user to sign in as`,
      );
    const user = context.users.find(u => u.name === name);
    if (!user)
      throw new NotAllowedError(
        `'${name}' is not one of the sandbox users (${context.users
          .map(u => u.name)
          .join(', ')})`,
      );
    return { result: { user } };
  },
});

/** The `sandbox` auth provider (a proxy provider), resolved to the catalog's User entity. */
export const authModuleSandboxProvider = createBackendModule({
  pluginId: 'auth',
  moduleId: 'sandbox-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        // Nothing offered, nothing registered: a portal without the section has no such provider.
        if (!config.has('auth.providers.sandbox')) return;
        providers.registerProvider({
          providerId: 'sandbox',
          factory: createProxyAuthProviderFactory({
            authenticator: sandboxAuthenticator,
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: {
                  kind: 'User',
                  namespace: 'default',
                  name: result.user.name,
                },
              }),
          }),
        });
      },
    });
  },
});
