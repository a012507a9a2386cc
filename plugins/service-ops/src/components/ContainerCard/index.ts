export { ContainerCard } from './ContainerCard';
