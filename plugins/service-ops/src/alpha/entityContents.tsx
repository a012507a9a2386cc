import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import {
  isSigningKeysTarget,
  hasServiceOpsActions,
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

/**
 * The Actions tab of containers with operator actions: the collab container's drain,
 * content-api's canary and authoring-api's blue/green (promote, abort, retry, waves).
 */
export const actionsEntityContent = EntityContentBlueprint.make({
  name: 'actions',
  params: {
    path: 'actions',
    title: 'Actions',
    filter: hasServiceOpsActions,
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
