/**
 * service-ops frontend plugin: services' declared deployment on their catalog pages.
 *
 * @packageDocumentation
 */
export { serviceOpsPlugin as default } from './plugin';
export { DeclaredDeploymentCard } from './components/DeclaredDeploymentCard';
export { DeclaredContainersCard } from './components/DeclaredContainersCard';
