export { CollabDrainForm } from './CollabDrainForm';
