export { KeyRotationProgress, rotationTitle } from './KeyRotationProgress';
