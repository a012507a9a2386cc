export { BacklogContent } from './BacklogContent';
