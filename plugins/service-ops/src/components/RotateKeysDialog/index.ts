export { RotateKeysDialog, rotationFormProblems } from './RotateKeysDialog';
