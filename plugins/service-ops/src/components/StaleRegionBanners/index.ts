export { StaleRegionBanners } from './StaleRegionBanners';
