import {
  RootConfigService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  isPermission,
  isResourcePermission,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  catalogEntityCreatePermission,
  catalogLocationCreatePermission,
  catalogLocationDeletePermission,
} from '@backstage/plugin-catalog-common/alpha';

/** Groups whose members may do everything; the platform's on-call rotation by default. */
export const DEFAULT_PLATFORM_GROUPS = ['group:default/platform-oncall'];

/**
 * The portal's permission policy:
 * - members of the platform groups (`serviceOps.permissions.platformGroups`) may do everything;
 * - everyone signed in may read, and may use software templates;
 * - changing a catalog entity (refresh, unregister, delete) and acting on it through
 *   service-ops (a collab drain: `service-ops.operation.collab-drain`; rollouts:
 *   `service-ops.operation.rollout-promote`, `-promote-full`, `-abort`, `-retry`; each a
 *   resource permission on the entity) is for the entity's owners;
 * - registering or removing catalog locations and creating entities by hand is for the
 *   platform groups only; anything else that is not a read is denied.
 */
export class ServiceOpsPermissionPolicy implements PermissionPolicy {
  static fromConfig(
    config: RootConfigService,
    options: { userInfo: UserInfoService },
  ) {
    return new ServiceOpsPermissionPolicy({
      userInfo: options.userInfo,
      platformGroups:
        config.getOptionalStringArray(
          'serviceOps.permissions.platformGroups',
        ) ?? DEFAULT_PLATFORM_GROUPS,
    });
  }

  private readonly userInfo: UserInfoService;
  private readonly platformGroups: Set<string>;

  constructor(options: {
    userInfo: UserInfoService;
    platformGroups: string[];
  }) {
    this.userInfo = options.userInfo;
    this.platformGroups = new Set(options.platformGroups);
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const ownership = user
      ? (await this.userInfo.getUserInfo(user.credentials)).ownershipEntityRefs
      : [];
    if (ownership.some(ref => this.platformGroups.has(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (permission.attributes.action === 'read') {
      return { result: AuthorizeResult.ALLOW };
    }
    if (
      isPermission(permission, catalogLocationCreatePermission) ||
      isPermission(permission, catalogLocationDeletePermission) ||
      isPermission(permission, catalogEntityCreatePermission)
    ) {
      return { result: AuthorizeResult.DENY };
    }
    if (isResourcePermission(permission, 'catalog-entity')) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims: ownership }),
      );
    }
    if (permission.name.startsWith('scaffolder.') && user) {
      return { result: AuthorizeResult.ALLOW };
    }
    return { result: AuthorizeResult.DENY };
  }
}
