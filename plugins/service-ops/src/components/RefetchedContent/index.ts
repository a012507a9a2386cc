export { RefetchedContent } from './RefetchedContent';
