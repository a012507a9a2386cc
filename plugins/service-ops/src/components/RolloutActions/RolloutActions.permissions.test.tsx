import { screen, waitFor } from '@testing-library/react';
import { mockApis } from '@backstage/frontend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  serviceOpsRolloutAbortPermission,
  serviceOpsRolloutPromotePermission,
} from '@internal/backstage-plugin-service-ops-common';
import {
  buildCanaryRegion,
  buildEntityRollout,
} from '../../__fixtures__/rollouts';
import { fakeApi, renderTab } from '../../__testUtils__/rolloutsApi';

// Its own file: usePermission caches decisions for the test file's lifetime.
describe('RolloutActions without some permissions', () => {
  it('disables what the user may not do and explains why', async () => {
    const permissions = mockApis.permission({
      authorize: request =>
        request.permission.name === serviceOpsRolloutPromotePermission.name ||
        request.permission.name === serviceOpsRolloutAbortPermission.name
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    await renderTab(
      fakeApi(
        buildEntityRollout([
          buildCanaryRegion('us'),
          buildCanaryRegion('eu', { stepIndex: 3 }),
        ]),
      ),
      permissions,
    );
    // Each permission is checked on its own: wait for both denials.
    await waitFor(() => {
      expect(
        screen.getByRole('button', { name: 'Promote in us' }),
      ).toBeDisabled();
      expect(
        screen.getByRole('button', { name: 'Abort in eu' }),
      ).toBeDisabled();
    });
    expect(
      screen.getByRole('button', { name: 'Promote fully in eu' }),
    ).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Promote wave' })).toBeDisabled();
  });
});
