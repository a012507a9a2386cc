import { createHash } from 'node:crypto';
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  CollabDrainPreview,
  Operation,
  planCollabDrain,
  serviceOpsCollabDrainPermission,
} from '@internal/backstage-plugin-service-ops-common';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import {
  CollabDrainHandler,
  CollabDrainProgress,
  CollabDrainSettings,
  drainSteps,
} from './CollabDrainHandler';
import { OperationExecutor } from './OperationExecutor';
import { authorizeOn, publicOperation } from './OperationsService';
import { OperationStore, StoredOperation } from './types';
import { readableEntity } from '../readableEntity';

const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/** A drain as asked for (validated by the route). */
export interface CollabDrainRequest {
  entityRef: string;
  cluster: string;
  pods?: string[];
  noticeSeconds?: number;
}

export interface CollabDrainCreateRequest extends CollabDrainRequest {
  reason: string;
  /** The target's name, typed by the operator. */
  confirm: string;
  incidentUrl?: string;
  idempotencyKey?: string;
}

/**
 * The collab drain's guarded entry points: every call reads the target through the
 * catalog with the caller's credentials and checks the permission on it (read for the
 * preview, `service-ops.operation.collab-drain` to start), the
 * typed confirmation and the reason; the preview and the plan come from live state.
 */
export class CollabDrainOperations {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      permissions: PermissionsService;
      store: OperationStore;
      executor: OperationExecutor;
      handler: CollabDrainHandler;
      kubernetes: KubernetesActions;
      settings: CollabDrainSettings;
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

  /** The drained container of the entity, or an InputError when it is not the collab server. */
  private containerOf(entity: Entity): string {
    const container =
      entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION] ??
      entity.metadata.name;
    if (container !== this.deps.settings.container)
      throw new InputError(
        `a collab drain applies to ${
          this.deps.settings.container
        }, not to ${stringifyEntityRef(entity)}`,
      );
    return container;
  }

  async preview(
    request: CollabDrainRequest,
    credentials: BackstageCredentials,
  ): Promise<CollabDrainPreview> {
    const entity = await this.readableEntity(request.entityRef, credentials);
    return this.plan(entity, request);
  }

  /**
   * The drain as it would run now. `dryRun: false` (the start, which evicts for real
   * a few minutes later and retries a refused eviction) skips the dry-run eviction.
   */
  private async plan(
    entity: Entity,
    request: CollabDrainRequest,
    options: { dryRun: boolean } = { dryRun: true },
  ): Promise<CollabDrainPreview> {
    const { handler, settings, kubernetes, store } = this.deps;
    const entityRef = stringifyEntityRef(entity);
    const container = this.containerOf(entity);
    if (!kubernetes.clusters().includes(request.cluster))
      throw new InputError(
        `cluster '${request.cluster}' is not configured; one of ${kubernetes
          .clusters()
          .join(', ')}`,
      );
    const region = handler.region(request.cluster, container);
    if (!region?.workload)
      throw new NotFoundError(
        `${container} is not deployed in ${request.cluster} (or the cluster has not been read yet)`,
      );
    const namespace = region.workload.namespace;
    const pods = region.pods.filter(p => !p.terminating);
    const sessions = await handler.sessions(
      request.cluster,
      namespace,
      container,
    );
    const noticeSeconds = request.noticeSeconds ?? settings.noticeSeconds;
    const plan = planCollabDrain({
      pods,
      chosen: request.pods,
      sessions: sessions ?? new Map(),
      noticeSeconds,
      replacementSeconds: settings.replacementSeconds,
      disruptionsAllowed: region.pdb?.disruptionsAllowed,
      desired: region.workload.desired,
    });
    if (plan.unknown.length)
      throw new InputError(
        `no pod named ${plan.unknown.join(', ')} of ${container} runs in ${
          request.cluster
        }; its pods are ${pods.map(p => p.name).join(', ')}`,
      );
    let dryRun: CollabDrainPreview['dryRun'] = {
      allowed: plan.pods.length > 0,
      ...(plan.pods.length === 0 ? { message: 'no pod to evict' } : {}),
    };
    if (plan.pods.length > 0 && !options.dryRun) {
      dryRun = { allowed: true, message: 'not tried' };
    } else if (plan.pods.length > 0) {
      try {
        const result = await kubernetes.evict({
          cluster: request.cluster,
          namespace,
          pod: plan.pods[0].name,
          dryRun: true,
        });
        if (result.result === 'blocked')
          dryRun = { allowed: false, message: result.message };
        else if (result.result === 'gone')
          dryRun = { allowed: false, message: `${plan.pods[0].name} is gone` };
        else dryRun = { allowed: true };
      } catch (error) {
        dryRun = { allowed: false, message: (error as Error).message };
      }
    }
    const warnings = [...plan.warnings];
    if (!sessions)
      warnings.push(
        `the sessions metric (${settings.sessionsMetric}) cannot be read in ${request.cluster}: the drain cannot show clients leaving nor verify they reconnect`,
      );
    const running = await store.active({
      kind: 'collab-drain',
      entityRef,
      cluster: request.cluster,
    });
    return {
      kind: 'collab-drain',
      entityRef,
      cluster: request.cluster,
      namespace,
      workload: region.workload.name,
      pods: plan.pods,
      noticeSeconds,
      estimatedSeconds: plan.estimatedSeconds,
      ...(region.pdb
        ? {
            disruptionBudget: {
              name: region.pdb.name,
              disruptionsAllowed: region.pdb.disruptionsAllowed,
            },
          }
        : {}),
      dryRun,
      warnings,
      ...(running ? { runningOperationId: running.id } : {}),
    };
  }

  /** Starts a drain; `created: false` when the idempotency key names an earlier one. */
  async create(
    request: CollabDrainCreateRequest,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<{ operation: Operation; created: boolean }> {
    const entity = await this.readableEntity(request.entityRef, credentials);
    const entityRef = stringifyEntityRef(entity);
    await authorizeOn(
      this.deps.permissions,
      serviceOpsCollabDrainPermission,
      entityRef,
      credentials,
      `you may not drain ${entityRef}: ${serviceOpsCollabDrainPermission.name} is for its owners and the platform on-call group`,
    );
    if (request.confirm !== entity.metadata.name)
      throw new InputError(
        `confirm must be the target's name, '${entity.metadata.name}' (got '${request.confirm}')`,
      );
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          entityRef,
          request.cluster,
          request.pods ?? null,
          request.noticeSeconds ?? null,
          request.reason,
          request.incidentUrl ?? null,
        ]),
      )
      .digest('hex');
    const plan = await this.plan(entity, request, { dryRun: false });
    if (plan.pods.length === 0)
      throw new InputError(
        `${plan.workload} has no pods to drain in ${request.cluster}`,
      );
    const pods = plan.pods.map(p => p.name);
    const progress: CollabDrainProgress = {
      phase: 'notify',
      namespace: plan.namespace,
      container: this.containerOf(entity),
      pods,
      noticeSeconds: plan.noticeSeconds,
      notified: [],
      evicted: [],
    };
    const { operation, created } = await this.deps.store.create(
      {
        kind: 'collab-drain',
        entityRef,
        cluster: request.cluster,
        parameters: {
          cluster: request.cluster,
          ...(request.pods ? { pods: request.pods } : {}),
          noticeSeconds: plan.noticeSeconds,
        },
        steps: drainSteps(pods, plan.noticeSeconds),
        progress: progress as unknown as StoredOperation['progress'],
        actor,
        reason: request.reason,
        ...(request.incidentUrl ? { incidentUrl: request.incidentUrl } : {}),
        ...(request.idempotencyKey
          ? { idempotencyKey: request.idempotencyKey }
          : {}),
        requestHash,
      },
      this.now(),
    );
    if (created) {
      this.deps.executor.changed(operation);
      this.deps.executor.poke();
    }
    return { operation: publicOperation(operation), created };
  }
}
