import { act } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  KeyInventory,
  KeyInventoryItem,
  Operation,
  serviceOpsKeyRotationPermission,
} from '@internal/backstage-plugin-service-ops-common';
import {
  GetKeyInventoryOptions,
  serviceOpsApiRef,
  SigningKeysApi,
  signingKeysApiRef,
  StartKeyRotationOptions,
} from '../api';
import { SigningKeysContent } from '../components/SigningKeysContent';
import { MockSignalApi } from '../__fixtures__/MockSignalApi';
import { contentBundlerEntity } from '../__fixtures__/entities';

/** Tenants, inventories, rotations and fake APIs for the Signing keys tab's tests. */
export const BUNDLER = 'component:default/content-bundler';

export function item(
  tenantId: string,
  overrides: Partial<KeyInventoryItem> = {},
): KeyInventoryItem {
  return {
    tenantId,
    homeRegion: 'eu',
    activeKid: `${tenantId}-20261015-a1b2c3`,
    algorithm: 'EdDSA',
    activatedAt: '2026-10-15T09:05:00.000Z',
    ageDays: 47,
    rotationDueAt: '2027-10-15T09:05:00.000Z',
    daysToRotation: 317,
    rotation: 'ok',
    lastDrillAt: '2026-10-15T09:05:00.000Z',
    drill: 'current',
    replication: {
      us: 'replicated',
      eu: 'replicated',
      me: 'replicated',
      ap: 'replicated',
    },
    verifyOnlyKids: [],
    revokedCount: 1,
    ...overrides,
  };
}

export const ITEMS = [
  item('acme-learning'),
  item('oasis-learning', {
    homeRegion: 'me',
    ageDays: 426,
    daysToRotation: -62,
    rotationDueAt: '2026-10-01T00:00:00.000Z',
    rotation: 'overdue',
    drill: 'overdue',
    lastDrillAt: undefined,
  }),
  item('globex-academy', {
    drill: 'due',
    lastDrillAt: '2026-09-10T00:10:00.000Z',
    replication: {
      us: 'replicated',
      eu: 'replicated',
      me: 'pending',
      ap: 'replicated',
    },
  }),
];

export function inventory(items: KeyInventoryItem[]): KeyInventory {
  return {
    items,
    totalCount: items.length,
    summary: {
      tenants: 320,
      rotationOverdue: 41,
      rotationDueSoon: 9,
      drillOverdue: 57,
      drillDue: 80,
      notReplicated: 1,
    },
    quarterEndsAt: '2027-01-01T00:00:00.000Z',
    generatedAt: new Date().toISOString(),
  };
}

export function rotation(overrides: Partial<Operation> = {}): Operation {
  return {
    id: '0b0c6a8e-5f7e-4f57-9d57-1f6f3f4c2a10',
    kind: 'key-rotation',
    entityRef: BUNDLER,
    cluster: 'oasis-learning',
    parameters: {
      tenants: ['oasis-learning'],
      mode: 'emergency',
      graceSeconds: 0,
      concurrency: 5,
    },
    state: 'awaiting-approval',
    steps: [
      {
        id: 'create',
        title: "Create oasis-learning's new key",
        status: 'pending',
      },
      {
        id: 'replicate',
        title: "Wait until every region's JWKS has the new key",
        status: 'pending',
      },
    ],
    actor: 'user:default/chen.content',
    reason: 'key material seen in a public paste',
    incidentUrl: 'https://incidents.example/INC-1',
    approval: {
      required: 1,
      expiresAt: new Date(Date.now() + 1_800_000).toISOString(),
      approvals: [],
    },
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    ...overrides,
  };
}

export function fakeKeys(
  options: {
    items?: KeyInventoryItem[];
    fail?: Error;
  } = {},
) {
  return {
    getKeyInventory: jest.fn(async (query: GetKeyInventoryOptions) => {
      if (options.fail) throw options.fail;
      let items = options.items ?? ITEMS;
      if (query.q) items = items.filter(i => i.tenantId.includes(query.q!));
      if (query.drill) items = items.filter(i => i.drill === query.drill);
      return inventory(items);
    }),
    getTenantKeys: jest.fn(),
    startKeyRotation: jest.fn(async (_o: StartKeyRotationOptions) =>
      rotation(),
    ),
  } satisfies SigningKeysApi;
}

export function fakeOperations(operations: Operation[] = []) {
  return {
    getOperations: jest.fn(async () => ({
      items: operations,
      totalCount: operations.length,
    })),
    getOperation: jest.fn(
      async ({ id }: { id: string }) =>
        operations.find(o => o.id === id) ?? rotation(),
    ),
    cancelOperation: jest.fn(),
    approveOperation: jest.fn(),
  };
}

export async function renderTab(options: {
  keys: SigningKeysApi;
  operations?: ReturnType<typeof fakeOperations>;
  denyRotate?: boolean;
}) {
  const permissions = mockApis.permission({
    authorize: request =>
      options.denyRotate &&
      request.permission.name === serviceOpsKeyRotationPermission.name
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
  });
  await act(async () => {
    renderInTestApp(
      <TestApiProvider
        apis={[
          [signingKeysApiRef, options.keys],
          [serviceOpsApiRef, (options.operations ?? fakeOperations()) as any],
          [signalApiRef, new MockSignalApi()],
          permissions,
        ]}
      >
        <EntityProvider entity={contentBundlerEntity}>
          <SigningKeysContent />
        </EntityProvider>
      </TestApiProvider>,
    );
  });
}
