import { act } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { ServiceOpsApi, serviceOpsApiRef } from '../api';
import { ActionsContent } from '../components/ActionsContent';
import { MockSignalApi } from '../__fixtures__/MockSignalApi';
import { backlogApiFixtures } from '../__fixtures__/backlog';
import {
  buildOperationList,
  buildWaitingOperation,
  operationsApiFixtures,
} from '../__fixtures__/operations';
import { buildHistory, buildSnapshot } from '../__fixtures__/snapshots';
import {
  buildEntityRollout,
  buildRolloutPreview,
  CONTENT_API_REF,
  contentApiEntity,
} from '../__fixtures__/rollouts';

/** A fake of the API for content-api's Actions tab: its rollout, previews, starts. */
export function fakeApi(rollout = buildEntityRollout()) {
  const started = {
    ...buildWaitingOperation(),
    kind: 'rollout-promote' as const,
    entityRef: CONTENT_API_REF,
    cluster: 'eu',
    steps: [
      {
        id: 'promote:eu',
        title: 'Promote in eu, then wait until healthy',
        status: 'running' as const,
        detail: 'at step 1 of 5; canary 1/2 Ready',
      },
    ],
  };
  return {
    getSnapshot: jest.fn(async () => buildSnapshot()),
    getHistory: jest.fn(async () => buildHistory(buildSnapshot())),
    ...backlogApiFixtures(),
    ...operationsApiFixtures(),
    getOperations: jest.fn(async () => buildOperationList([])),
    getOperation: jest.fn(async () => started),
    getRollout: jest.fn(async () => rollout),
    previewRollout: jest.fn(async (target: any) =>
      buildRolloutPreview(rollout, target.action, target.clusters),
    ),
    startRollout: jest.fn(async (_options: any) => started),
  } satisfies ServiceOpsApi;
}

/** content-api's Actions tab with the fake API and the given permissions. */
export async function renderTab(
  api: ServiceOpsApi,
  permissions: ReturnType<typeof mockApis.permission> = mockApis.permission(),
) {
  await act(async () => {
    renderInTestApp(
      <TestApiProvider
        apis={[
          [serviceOpsApiRef, api],
          [signalApiRef, new MockSignalApi()],
          permissions,
        ]}
      >
        <EntityProvider entity={contentApiEntity}>
          <ActionsContent />
        </EntityProvider>
      </TestApiProvider>,
    );
  });
}
