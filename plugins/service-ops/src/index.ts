export { serviceOpsPlugin as default } from './plugin';
