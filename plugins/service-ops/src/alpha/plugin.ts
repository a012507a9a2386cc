import { createFrontendPlugin } from '@backstage/frontend-plugin-api';
import { serviceOpsApi } from './apis';
import {
  declaredContainersEntityCard,
  declaredDeploymentEntityCard,
} from './entityCards';
import {
  actionsEntityContent,
  backlogEntityContent,
  operationsEntityContent,
} from './entityContents';

/** The service-ops frontend plugin for the new frontend system. */
export const serviceOpsPlugin = createFrontendPlugin({
  pluginId: 'service-ops',
  title: 'Service operations',
  extensions: [
    serviceOpsApi,
    operationsEntityContent,
    backlogEntityContent,
    actionsEntityContent,
    declaredDeploymentEntityCard,
    declaredContainersEntityCard,
  ],
});
