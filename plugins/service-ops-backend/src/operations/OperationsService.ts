import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  Operation,
  OPERATION_APPROVE_PERMISSIONS,
  OPERATION_PERMISSIONS,
  OperationList,
} from '@internal/backstage-plugin-service-ops-common';
import { readableEntity } from '../readableEntity';
import { OperationExecutor } from './OperationExecutor';
import { OperationStore, StoredOperation } from './types';

/** An operation as the API answers it: without the executor's memory. */
export function publicOperation(operation: StoredOperation): Operation {
  const { progress: _progress, ...rest } = operation;
  return rest;
}

/**
 * Throws NotAllowedError with `message` unless the caller holds `permission` on the
 * entity `resourceRef`.
 */
export async function authorizeOn(
  permissions: PermissionsService,
  permission: ResourcePermission<'catalog-entity'>,
  resourceRef: string,
  credentials: BackstageCredentials,
  message: string,
): Promise<void> {
  const [decision] = await permissions.authorize(
    [{ permission, resourceRef }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW)
    throw new NotAllowedError(message);
}

/**
 * What every kind of operation shares, behind the same guards: read one or an entity's
 * history (the entity's live-state read permission), cancel and approve (the kind's
 * permission on the target entity, `OPERATION_PERMISSIONS`). Starting an operation is
 * each kind's own service (its parameters, preview and plan).
 */
export class OperationsService {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      permissions: PermissionsService;
      store: OperationStore;
      executor: OperationExecutor;
      now?: () => number;
    },
  ) {}

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  /** The entity, if it exists and the caller may read its live state. */
  readableEntity(
    refText: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    return readableEntity({
      refText,
      credentials,
      catalog: this.deps.catalog,
      permissions: this.deps.permissions,
    });
  }

  /** The operation, if it exists and the caller may read its target. */
  private async readable(
    id: string,
    credentials: BackstageCredentials,
  ): Promise<StoredOperation> {
    const operation = await this.deps.store.get(id);
    if (!operation) throw new NotFoundError(`no operation ${id}`);
    await this.readableEntity(operation.entityRef, credentials);
    return operation;
  }

  /** Tells the listeners (signals, audit) and wakes the executor. */
  private changed(operation: StoredOperation) {
    this.deps.executor.changed(operation);
    this.deps.executor.poke();
  }

  async get(id: string, credentials: BackstageCredentials): Promise<Operation> {
    return publicOperation(await this.readable(id, credentials));
  }

  async list(
    options: { entityRef: string; limit: number; offset: number },
    credentials: BackstageCredentials,
  ): Promise<OperationList> {
    const entity = await this.readableEntity(options.entityRef, credentials);
    const { items, totalCount } = await this.deps.store.list({
      entityRef: stringifyEntityRef(entity),
      limit: options.limit,
      offset: options.offset,
    });
    return { items: items.map(publicOperation), totalCount };
  }

  /**
   * Asks an operation to stop; the executor stops it where it is safe. One awaiting
   * approval ends at once (nothing was done).
   */
  async cancel(
    id: string,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<Operation> {
    const operation = await this.readable(id, credentials);
    const permission = OPERATION_PERMISSIONS[operation.kind];
    await authorizeOn(
      this.deps.permissions,
      permission,
      operation.entityRef,
      credentials,
      `you may not cancel ${operation.kind} operations on ${operation.entityRef}: ${permission.name} is for its owners and the platform on-call group`,
    );
    const cancelled = await this.deps.store.requestCancel({
      id,
      by: actor,
      now: this.now(),
    });
    if (
      cancelled &&
      (cancelled.state === 'cancelling' || cancelled.state === 'cancelled') &&
      cancelled.state !== operation.state
    )
      this.changed(cancelled);
    return publicOperation(cancelled ?? operation);
  }

  /**
   * Approves an operation awaiting approval: the approver needs the kind's approve
   * permission (OPERATION_APPROVE_PERMISSIONS, else OPERATION_PERMISSIONS) on the target
   * and must not be the requester; with the last approval needed it runs.
   */
  async approve(
    id: string,
    approver: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
  ): Promise<Operation> {
    const operation = await this.readable(id, credentials);
    const permission =
      OPERATION_APPROVE_PERMISSIONS[operation.kind] ??
      OPERATION_PERMISSIONS[operation.kind];
    if (operation.actor === approver)
      throw new NotAllowedError(
        `you asked for operation ${id} and cannot approve it yourself; another person with ${permission.name} on ${operation.entityRef} must`,
      );
    await authorizeOn(
      this.deps.permissions,
      permission,
      operation.entityRef,
      credentials,
      `you may not approve ${operation.kind} operations on ${operation.entityRef}: approving needs ${permission.name}, for its owners and the platform on-call group`,
    );
    const approved = await this.deps.store.approve({
      id,
      by: approver,
      ...(comment ? { comment } : {}),
      now: this.now(),
    });
    if (!approved) throw new NotFoundError(`no operation ${id}`);
    this.changed(approved);
    return publicOperation(approved);
  }
}
