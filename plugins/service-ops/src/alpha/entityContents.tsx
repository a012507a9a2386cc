import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { isServiceOpsAvailable } from '../lib/entityFilters';

/** The Operations tab of services and their containers. */
export const operationsEntityContent = EntityContentBlueprint.make({
  name: 'operations',
  params: {
    path: 'operations',
    title: 'Operations',
    filter: isServiceOpsAvailable,
    loader: () =>
      import('../components/OperationsContent').then(m => (
        <m.OperationsContent />
      )),
  },
});

/** The Backlog & sagas tab of services and their containers. */
export const backlogEntityContent = EntityContentBlueprint.make({
  name: 'backlog',
  params: {
    path: 'backlog',
    title: 'Backlog & sagas',
    filter: isServiceOpsAvailable,
    loader: () =>
      import('../components/BacklogContent').then(m => <m.BacklogContent />),
  },
});
