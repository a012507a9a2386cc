export { SigningKeysContent } from './SigningKeysContent';
