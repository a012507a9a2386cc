import { createRouteRef } from '@backstage/core-plugin-api';

/** Where an app mounts the Operations tab (legacy frontend system). */
export const rootRouteRef = createRouteRef({ id: 'service-ops' });

/** Where an app mounts the Backlog & sagas tab (legacy frontend system). */
export const backlogRouteRef = createRouteRef({ id: 'service-ops:backlog' });

/** Where an app mounts the Signing keys tab of the signing container (legacy frontend system). */
export const signingKeysRouteRef = createRouteRef({
  id: 'service-ops:signing-keys',
});

/** Where an app mounts the Actions tab of the collab container (legacy frontend system). */
export const actionsRouteRef = createRouteRef({ id: 'service-ops:actions' });
