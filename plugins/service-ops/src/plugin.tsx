import {
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';

import { rootRouteRef } from './routes';

export const page = PageBlueprint.make({
  params: {
    path: '/service-ops',
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/TodoPage').then(m => (
        <m.TodoPage />
      )),
  },
});

export const serviceOpsPlugin = createFrontendPlugin({
  pluginId: 'service-ops',
  extensions: [page],
  routes: {
    root: rootRouteRef,
  }
});
