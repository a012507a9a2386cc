import { createRouteRef } from '@backstage/core-plugin-api';

/** Where an app mounts the Operations tab (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'service-ops' });

/** Where an app mounts the Backlog & sagas tab (legacy frontend system). */
export const backlogRouteRef = createRouteRef({ id: 'service-ops:backlog' });
