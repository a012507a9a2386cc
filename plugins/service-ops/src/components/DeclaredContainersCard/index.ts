export { DeclaredContainersCard } from './DeclaredContainersCard';
