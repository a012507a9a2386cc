import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isCollabDrainTarget,
  isServiceOpsAvailable,
} from '../lib/entityFilters';

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

/** The Actions tab of the collab container: drain its pods, follow and cancel drains. */
export const actionsEntityContent = EntityContentBlueprint.make({
  name: 'actions',
  params: {
    path: 'actions',
    title: 'Actions',
    filter: isCollabDrainTarget,
    loader: () =>
      import('../components/ActionsContent').then(m => <m.ActionsContent />),
  },
});
