import { createPermission } from '@backstage/plugin-permission-common';

/** Reading the publish sagas, their counts and malformed events. */
export const serviceOpsSagaReadPermission = createPermission({
  name: 'service-ops.saga.read',
  attributes: { action: 'read' },
});

/** Rebuilding the publish-saga projection from the streams (drops and replays it). */
export const serviceOpsSagaRebuildPermission = createPermission({
  name: 'service-ops.saga.rebuild',
  attributes: { action: 'update' },
});
