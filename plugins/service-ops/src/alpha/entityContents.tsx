import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isSigningKeysTarget,
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

/** The Signing keys tab of the signing container: tenants' keys, drills, rotations. */
export const signingKeysEntityContent = EntityContentBlueprint.make({
  name: 'signing-keys',
  params: {
    path: 'signing-keys',
    title: 'Signing keys',
    filter: isSigningKeysTarget,
    loader: () =>
      import('../components/SigningKeysContent').then(m => (
        <m.SigningKeysContent />
      )),
  },
});
