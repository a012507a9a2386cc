import { mockCredentials } from '@backstage/backend-test-utils';
import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  catalogEntityDeletePermission,
  catalogEntityReadPermission,
  catalogEntityRefreshPermission,
  catalogLocationCreatePermission,
} from '@backstage/plugin-catalog-common/alpha';
import {
  serviceOpsRolloutAbortPermission,
  serviceOpsRolloutPromoteFullPermission,
  serviceOpsRolloutPromotePermission,
  serviceOpsRolloutRetryPermission,
  serviceOpsCollabDrainPermission,
  serviceOpsKeyRotationApprovePermission,
  serviceOpsKeyRotationPermission,
  serviceOpsKeysReadPermission,
  serviceOpsLiveReadPermission,
} from '@internal/backstage-plugin-service-ops-common';
import { ServiceOpsPermissionPolicy } from './ServiceOpsPermissionPolicy';

// Group memberships as the catalog's org.yaml declares them.
const memberships: Record<string, string[]> = {
  'user:default/dana.author': ['group:default/authoring-team'],
  'user:default/sam.oncall': ['group:default/platform-oncall'],
  'user:default/chen.content': ['group:default/content-team'],
};

const policy = new ServiceOpsPermissionPolicy({
  platformGroups: ['group:default/platform-oncall'],
  userInfo: {
    async getUserInfo(credentials: BackstageCredentials) {
      const ref = (credentials.principal as BackstageUserPrincipal)
        .userEntityRef;
      return {
        userEntityRef: ref,
        ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
      };
    },
  },
});

const as = (userEntityRef: string) => {
  const credentials = mockCredentials.user(userEntityRef);
  return {
    credentials,
    info: { userEntityRef, ownershipEntityRefs: [] },
  };
};

describe('ServiceOpsPermissionPolicy', () => {
  it('lets everyone signed in read the catalog', async () => {
    await expect(
      policy.handle(
        { permission: catalogEntityReadPermission },
        as('user:default/dana.author'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets owners, and only owners, refresh or delete an entity', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityDeletePermission },
      as('user:default/dana.author'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/dana.author', 'group:default/authoring-team'],
        },
      },
    });
    const refresh = await policy.handle(
      { permission: catalogEntityRefreshPermission },
      as('user:default/lee.release'),
    );
    expect(refresh).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: ['user:default/lee.release'] } },
    });
  });

  it('keeps catalog locations for the platform on-call group', async () => {
    await expect(
      policy.handle(
        { permission: catalogLocationCreatePermission },
        as('user:default/dana.author'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
    await expect(
      policy.handle(
        { permission: catalogLocationCreatePermission },
        as('user:default/sam.oncall'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    await expect(
      policy.handle(
        { permission: catalogEntityDeletePermission },
        as('user:default/sam.oncall'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it("lets the entity's owners and the platform on-call group drain collab pods, and everyone read", async () => {
    await expect(
      policy.handle(
        { permission: serviceOpsLiveReadPermission },
        as('user:default/lee.release'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    // an owner: conditional on owning the entity (authoring-team owns authoring-collab)
    await expect(
      policy.handle(
        { permission: serviceOpsCollabDrainPermission },
        as('user:default/dana.author'),
      ),
    ).resolves.toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/dana.author', 'group:default/authoring-team'],
        },
      },
    });
    // someone else: only what they own themselves, which no service is
    await expect(
      policy.handle(
        { permission: serviceOpsCollabDrainPermission },
        as('user:default/lee.release'),
      ),
    ).resolves.toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { params: { claims: ['user:default/lee.release'] } },
    });
    await expect(
      policy.handle(
        { permission: serviceOpsCollabDrainPermission },
        as('user:default/sam.oncall'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
  });

  it.each([
    serviceOpsRolloutPromotePermission,
    serviceOpsRolloutPromoteFullPermission,
    serviceOpsRolloutAbortPermission,
    serviceOpsRolloutRetryPermission,
  ])(
    'lets owners (conditionally) and platform on-call act on rollouts: $name',
    async permission => {
      await expect(
        policy.handle({ permission }, as('user:default/dana.author')),
      ).resolves.toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          params: {
            claims: [
              'user:default/dana.author',
              'group:default/authoring-team',
            ],
          },
        },
      });
      await expect(
        policy.handle({ permission }, as('user:default/lee.release')),
      ).resolves.toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: { params: { claims: ['user:default/lee.release'] } },
      });
      await expect(
        policy.handle({ permission }, as('user:default/sam.oncall')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    },
  );

  it("lets content-bundler's owners and the platform on-call group request and approve key rotations, and everyone read the keys", async () => {
    await expect(
      policy.handle(
        { permission: serviceOpsKeysReadPermission },
        as('user:default/dana.author'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    for (const permission of [
      serviceOpsKeyRotationPermission,
      serviceOpsKeyRotationApprovePermission,
    ]) {
      // content-team owns content-bundler: conditional on owning the entity
      await expect(
        policy.handle({ permission }, as('user:default/chen.content')),
      ).resolves.toEqual({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: {
            claims: ['user:default/chen.content', 'group:default/content-team'],
          },
        },
      });
      await expect(
        policy.handle({ permission }, as('user:default/dana.author')),
      ).resolves.toMatchObject({
        result: AuthorizeResult.CONDITIONAL,
        conditions: {
          params: {
            claims: [
              'user:default/dana.author',
              'group:default/authoring-team',
            ],
          },
        },
      });
      await expect(
        policy.handle({ permission }, as('user:default/sam.oncall')),
      ).resolves.toEqual({ result: AuthorizeResult.ALLOW });
    }
  });

  it('denies changes nobody has been given', async () => {
    await expect(
      policy.handle(
        {
          permission: {
            type: 'basic',
            name: 'something.dangerous',
            attributes: { action: 'update' },
          },
        },
        as('user:default/dana.author'),
      ),
    ).resolves.toEqual({ result: AuthorizeResult.DENY });
  });
});
