export { ActionsContent } from './ActionsContent';
