export { DeclaredDeploymentCard } from './DeclaredDeploymentCard';
