import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  ANNOTATION_TOPOLOGY_DOCUMENT,
  readDeclaredContainer,
} from '@internal/backstage-plugin-service-ops-common';

/** On a container's page: its declared scaling and requests/limits. */
export const declaredDeploymentEntityCard = EntityCardBlueprint.make({
  name: 'declared-deployment',
  params: {
    filter: entity => readDeclaredContainer(entity).kind !== 'none',
    loader: () =>
      import('../components/DeclaredDeploymentCard').then(m => (
        <m.DeclaredDeploymentCard />
      )),
  },
});

/** On a service's page: every container as its topology document declares it. */
export const declaredContainersEntityCard = EntityCardBlueprint.make({
  name: 'declared-containers',
  params: {
    type: 'content',
    filter: entity =>
      entity.kind === 'Component' &&
      !!entity.metadata.annotations?.[ANNOTATION_TOPOLOGY_DOCUMENT],
    loader: () =>
      import('../components/DeclaredContainersCard').then(m => (
        <m.DeclaredContainersCard />
      )),
  },
});
