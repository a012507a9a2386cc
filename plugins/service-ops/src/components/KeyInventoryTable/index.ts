export { KeyInventoryTable } from './KeyInventoryTable';
