import { createHash } from 'node:crypto';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError } from '@backstage/errors';
import {
  isFinalOperationState,
  KeyRotationMode,
  KeyRotationParameters,
  Operation,
  serviceOpsKeyRotationPermission,
} from '@internal/backstage-plugin-service-ops-common';
import { OperationExecutor } from '../operations/OperationExecutor';
import { publicOperation } from '../operations/OperationsService';
import { OperationStore, StoredOperation } from '../operations/types';
import { initialRotationProgress, rotationSteps } from './KeyRotationHandler';
import { KeySettings } from './readKeySettings';
import { SigningKeyInventory } from './SigningKeyInventory';

/** A rotation as asked for (validated by the route). */
export interface KeyRotationRequest {
  /** The signing container's entity (content-bundler). */
  entityRef: string;
  tenants: string[];
  mode: KeyRotationMode;
  reason: string;
  incidentUrl?: string;
  concurrency?: number;
  graceSeconds?: number;
  idempotencyKey?: string;
}

/**
 * Starts key rotations: checks `service-ops.operation.key-rotation` on the signing
 * container's entity, that every tenant exists in content-service and none is being
 * rotated by another operation, then records the operation awaiting the approval of a
 * second person (`serviceOps.keys.rotation.approvals` of them within
 * `approvalWindowSeconds`). Approving, cancelling and reading are the engine's.
 */
export class KeyRotationOperations {
  constructor(
    private readonly deps: {
      inventory: SigningKeyInventory;
      store: OperationStore;
      executor: OperationExecutor;
      settings: KeySettings;
      now?: () => number;
    },
  ) {}

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  async create(
    request: KeyRotationRequest,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<{ operation: Operation; created: boolean }> {
    const { settings, store, inventory } = this.deps;
    const entity = await inventory.signingEntity(
      request.entityRef,
      credentials,
      serviceOpsKeyRotationPermission,
      `you may not rotate signing keys: ${serviceOpsKeyRotationPermission.name} on ${request.entityRef} is for its owners and the platform on-call group`,
    );
    const entityRef = stringifyEntityRef(entity);
    const rotation = settings.rotation;
    const concurrency = request.concurrency ?? rotation.concurrency;
    if (concurrency > rotation.maxConcurrency)
      throw new InputError(
        `concurrency may be at most ${rotation.maxConcurrency} (serviceOps.keys.rotation.maxConcurrency)`,
      );
    if (request.tenants.length > rotation.maxTenants)
      throw new InputError(
        `at most ${rotation.maxTenants} tenants per rotation (serviceOps.keys.rotation.maxTenants)`,
      );
    if (request.mode === 'emergency' && !request.incidentUrl)
      throw new InputError(
        'incidentUrl is required for an emergency rotation: the incident the key is compromised in',
      );
    const graceSeconds =
      request.mode === 'drill'
        ? request.graceSeconds ?? rotation.graceSeconds
        : 0;
    const known = new Set((await inventory.tenants()).map(t => t.tenantId));
    const unknown = request.tenants.filter(t => !known.has(t));
    if (unknown.length)
      throw new InputError(
        `content-service has no tenant ${unknown.slice(0, 10).join(', ')}${
          unknown.length > 10 ? ` and ${unknown.length - 10} more` : ''
        }`,
      );
    const tenants = [...request.tenants].sort();
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          entityRef,
          tenants,
          request.mode,
          request.reason,
          request.incidentUrl ?? null,
          concurrency,
          graceSeconds,
        ]),
      )
      .digest('hex');
    // The same request again (a retry with its Idempotency-Key) is left to the store,
    // which answers the operation the first one created.
    await this.refuseOverlap(
      entityRef,
      tenants,
      operation =>
        Boolean(request.idempotencyKey) &&
        operation.actor === actor &&
        operation.reason === request.reason &&
        sameTenants(operation, tenants),
    );
    const parameters: KeyRotationParameters = {
      tenants,
      mode: request.mode,
      graceSeconds,
      concurrency,
    };
    const now = this.now();
    const { operation, created } = await store.create(
      {
        kind: 'key-rotation',
        entityRef,
        // One rotation at a time per tenant (a bulk one is scoped by its tenants).
        cluster:
          tenants.length === 1
            ? tenants[0]
            : `bulk-${createHash('sha256')
                .update(tenants.join(','))
                .digest('hex')
                .slice(0, 12)}`,
        parameters,
        steps: rotationSteps(parameters),
        progress: initialRotationProgress(
          tenants,
        ) as unknown as StoredOperation['progress'],
        actor,
        reason: request.reason,
        ...(request.incidentUrl ? { incidentUrl: request.incidentUrl } : {}),
        ...(request.idempotencyKey
          ? { idempotencyKey: request.idempotencyKey }
          : {}),
        requestHash,
        approval: {
          required: rotation.approvals,
          expiresAt: now + rotation.approvalWindowSeconds * 1000,
        },
      },
      now,
    );
    if (created) {
      this.deps.executor.changed(operation);
      this.deps.executor.poke();
    }
    return { operation: publicOperation(operation), created };
  }

  /** 409 when another rotation that is not final covers one of the tenants. */
  private async refuseOverlap(
    entityRef: string,
    tenants: string[],
    isRepeat: (operation: StoredOperation) => boolean,
  ): Promise<void> {
    const wanted = new Set(tenants);
    for (let offset = 0; ; offset += 200) {
      const page = await this.deps.store.list({
        entityRef,
        limit: 200,
        offset,
      });
      for (const operation of page.items) {
        if (operation.kind !== 'key-rotation') continue;
        if (isFinalOperationState(operation.state) || isRepeat(operation))
          continue;
        const theirs = (operation.parameters as KeyRotationParameters).tenants;
        const shared = theirs.filter(t => wanted.has(t));
        if (shared.length)
          throw new ConflictError(
            `operation ${operation.id} (${
              operation.state
            }) already rotates ${shared.slice(0, 5).join(', ')}${
              shared.length > 5 ? ', …' : ''
            }`,
          );
      }
      if (offset + 200 >= page.totalCount) return;
    }
  }
}

function sameTenants(operation: StoredOperation, tenants: string[]): boolean {
  const theirs = (operation.parameters as KeyRotationParameters).tenants;
  return (
    theirs.length === tenants.length && theirs.every((t, i) => t === tenants[i])
  );
}
