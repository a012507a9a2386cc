/**
 * service-ops for the new frontend system: the Operations entity tab, the declared
 * deployment cards and the backend client, discovered by apps from `/alpha`.
 *
 * @packageDocumentation
 */
export { serviceOpsPlugin as default } from './alpha/plugin';
