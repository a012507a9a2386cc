export { RegionSelector } from './RegionSelector';
