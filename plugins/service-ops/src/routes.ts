import { createRouteRef } from '@backstage/core-plugin-api';

/** Where an app mounts the Operations tab (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'service-ops' });
