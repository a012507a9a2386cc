import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { serviceOpsApi, signingKeysApi } from './apis';
import {
  declaredContainersEntityCard,
  declaredDeploymentEntityCard,
} from './entityCards';
import {
  actionsEntityContent,
  backlogEntityContent,
  operationsEntityContent,
  signingKeysEntityContent,
} from './entityContents';

/** The service-ops frontend plugin for the new frontend system. */
export const serviceOpsPlugin = createFrontendPlugin({
  pluginId: 'service-ops',
  title: 'Service operations',
  extensions: [
    serviceOpsApi,
    signingKeysApi,
    operationsEntityContent,
    backlogEntityContent,
    actionsEntityContent,
    signingKeysEntityContent,
    declaredDeploymentEntityCard,
    declaredContainersEntityCard,
  ],
});
