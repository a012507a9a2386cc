export { LiveOperationsCard } from './LiveOperationsCard';
