import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { ServiceOpsClient, serviceOpsApiRef } from '../api';

/** The service-ops backend client. */
export const serviceOpsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: serviceOpsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceOpsClient({ discoveryApi, fetchApi }),
    }),
});
