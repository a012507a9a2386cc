export { DriftList } from './DriftList';
