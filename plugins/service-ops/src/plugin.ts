import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import {
  ServiceOpsClient,
  serviceOpsApiRef,
  SigningKeysClient,
  signingKeysApiRef,
} from './api';
import {
  actionsRouteRef,
  backlogRouteRef,
  rootRouteRef,
  signingKeysRouteRef,
} from './routes';

/** The service-ops frontend plugin for the legacy frontend system. */
export const serviceOpsPlugin = createPlugin({
  id: 'service-ops',
  apis: [
    createApiFactory({
      api: serviceOpsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ServiceOpsClient({ discoveryApi, fetchApi }),
    }),
    createApiFactory({
      api: signingKeysApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new SigningKeysClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    entityContent: rootRouteRef,
    backlogContent: backlogRouteRef,
    actionsContent: actionsRouteRef,
    signingKeysContent: signingKeysRouteRef,
  },
});

/**
 * The Operations tab of a service or container Component; use with
 * `isServiceOpsAvailable` on an `EntityLayout.Route`.
 */
export const EntityServiceOpsContent = serviceOpsPlugin.provide(
  createRoutableExtension({
    name: 'EntityServiceOpsContent',
    component: () =>
      import('./components/OperationsContent').then(m => m.OperationsContent),
    mountPoint: rootRouteRef,
  }),
);

/**
 * The Backlog & sagas tab of a service or container Component: its JetStream
 * backlog against the thresholds and the publish sagas. Use with
 * `isServiceOpsAvailable` on an `EntityLayout.Route` (path `backlog`).
 */
export const EntityServiceOpsBacklogContent = serviceOpsPlugin.provide(
  createRoutableExtension({
    name: 'EntityServiceOpsBacklogContent',
    component: () =>
      import('./components/BacklogContent').then(m => m.BacklogContent),
    mountPoint: backlogRouteRef,
  }),
);

/**
 * The Actions tab of containers with operator actions: the collab container
 * (authoring-collab) drains its pods; a container released as an Argo rollout
 * (content-api, authoring-api) is promoted, promoted fully, aborted or retried in a
 * region or a wave, with a preview and a confirmation; each follows its operations live
 * with their history. Use with `hasServiceOpsActions` on an `EntityLayout.Route`
 * (path `actions`).
 */
export const EntityServiceOpsActionsContent = serviceOpsPlugin.provide(
  createRoutableExtension({
    name: 'EntityServiceOpsActionsContent',
    component: () =>
      import('./components/ActionsContent').then(m => m.ActionsContent),
    mountPoint: actionsRouteRef,
  }),
);

/**
 * The Signing keys tab of the signing container (content-bundler): every tenant's key,
 * its age, the annual rotation, the quarter's drill and replication, and emergency or
 * drill rotations approved by a second person. Use with `isSigningKeysTarget` on an
 * `EntityLayout.Route` (path `signing-keys`).
 */
export const EntityServiceOpsSigningKeysContent = serviceOpsPlugin.provide(
  createRoutableExtension({
    name: 'EntityServiceOpsSigningKeysContent',
    component: () =>
      import('./components/SigningKeysContent').then(m => m.SigningKeysContent),
    mountPoint: signingKeysRouteRef,
  }),
);

/** Card: a container's declared scaling and requests/limits. */
export const EntityDeclaredDeploymentCard = serviceOpsPlugin.provide(
  createComponentExtension({
    name: 'EntityDeclaredDeploymentCard',
    component: {
      lazy: () =>
        import('./components/DeclaredDeploymentCard').then(
          m => m.DeclaredDeploymentCard,
        ),
    },
  }),
);

/** Card: every container of a service as its topology document declares it. */
export const EntityDeclaredContainersCard = serviceOpsPlugin.provide(
  createComponentExtension({
    name: 'EntityDeclaredContainersCard',
    component: {
      lazy: () =>
        import('./components/DeclaredContainersCard').then(
          m => m.DeclaredContainersCard,
        ),
    },
  }),
);
