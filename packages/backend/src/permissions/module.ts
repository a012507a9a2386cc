import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { ServiceOpsPermissionPolicy } from './ServiceOpsPermissionPolicy';

/** Installs {@link ServiceOpsPermissionPolicy} as the permission backend's policy. */
export const permissionModuleServiceOpsPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'service-ops-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, config, userInfo }) {
        policy.setPolicy(
          ServiceOpsPermissionPolicy.fromConfig(config, { userInfo }),
        );
      },
    });
  },
});
