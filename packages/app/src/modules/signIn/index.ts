import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/** The app's sign-in page: the sandbox's user picker (SandboxSignInPage). */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () =>
          (await import('./SandboxSignInPage')).SandboxSignInPage,
      },
    }),
  ],
});
