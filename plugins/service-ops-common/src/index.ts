/**
 * Types, constants and pure functions shared by the service-ops plugins.
 *
 * @packageDocumentation
 */
export * from './declared/types';
export * from './declared/annotations';
export * from './declared/readDeclaredContainer';
export * from './declared/format';
export * from './live/types';
export * from './quantity/parseQuantity';
export * from './live/health';
export * from './live/drift';
export * from './live/explainHpa';
export * from './permissions';
export * from './backlog/types';
export * from './backlog/sagaTypes';
export * from './backlog/sagaState';
export * from './backlog/classifyBacklog';
export * from './backlog/permissions';
export * from './operations/types';
export * from './operations/permissions';
export * from './operations/planCollabDrain';
export * from './operations/rolloutTypes';
export * from './operations/rolloutPermissions';
export * from './live/describeRollout';
export * from './keys/types';
export * from './keys/permissions';
export * from './keys/summarizeTenantKeys';
