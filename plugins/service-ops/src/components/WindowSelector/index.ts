export { WindowSelector } from './WindowSelector';
