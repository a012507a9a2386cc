export { ResourcesTable } from './ResourcesTable';
