/**
 * service-ops for the new frontend system: the Operations, Backlog & sagas and Actions
 * entity tabs, the declared deployment cards and the backend client, discovered by apps from `/alpha`.
 *
 * @packageDocumentation
 */
export { serviceOpsPlugin as default } from './alpha/plugin';
