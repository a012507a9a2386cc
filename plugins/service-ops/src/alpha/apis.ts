import {
  ApiBlueprint,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  ServiceOpsClient,
  serviceOpsApiRef,
  SigningKeysClient,
  signingKeysApiRef,
} from '../api';

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

/** The signing-key routes of the service-ops backend. */
export const signingKeysApi = ApiBlueprint.make({
  name: 'signing-keys',
  params: defineParams =>
    defineParams({
      api: signingKeysApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SigningKeysClient({ discoveryApi, fetchApi }),
    }),
});
