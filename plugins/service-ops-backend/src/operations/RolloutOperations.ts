import { createHash } from 'node:crypto';
import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ContainerRegionState,
  describeRolloutRegion,
  describeStep,
  EntityRollout,
  isFinalOperationState,
  Operation,
  OPERATION_PERMISSIONS,
  promoteTargetStep,
  RolloutAction,
  rolloutActionOfKind,
  rolloutChanges,
  RolloutExpectation,
  ROLLOUT_OPERATION_KINDS,
  RolloutParameters,
  RolloutPreview,
  RolloutPreviewRegion,
  RolloutRegionView,
} from '@internal/backstage-plugin-service-ops-common';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import { LiveStateService } from '../kubernetes/KubernetesLiveState';
import { argoPatches } from '../kubernetes/argoPatches';
import { toLiveWorkload } from '../kubernetes/mappers';
import type { ArgoRollout } from '../kubernetes/wireTypes';
import { readableEntity } from '../readableEntity';
import { OperationExecutor } from './OperationExecutor';
import { authorizeOn, publicOperation } from './OperationsService';
import { RolloutSettings } from './readRolloutSettings';
import { RolloutProgress, rolloutSteps } from './RolloutHandler';
import { OperationStore, StoredOperation } from './types';

const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';

/** A rollout action as asked for (validated by the route). */
export interface RolloutRequest {
  entityRef: string;
  action: RolloutAction;
  /** Regions in order. */
  clusters: string[];
}

export interface RolloutCreateRequest extends RolloutRequest {
  /** What the operator saw of each region (required for promote and promote-full). */
  expected: Record<string, RolloutExpectation>;
  reason: string;
  /** The target's name as typed by the operator; not asked for an abort. */
  confirm?: string;
  incidentUrl?: string;
  idempotencyKey?: string;
}

/** A region's rollout read from the API server now, with the live state's pods. */
interface FreshRegion {
  cluster: string;
  wire: ArgoRollout;
  view: RolloutRegionView;
}

const clustersOf = (operation: Pick<Operation, 'cluster'>) =>
  operation.cluster.split(',');

/**
 * The rollout actions' guarded entry points: the view of a container's rollout in every
 * region (read permission), the preview of an action and its start (the action's own
 * permission on the container's entity, `service-ops.operation.rollout-*`). A start reads
 * each region from the API server and refuses with 409 what moved since the operator
 * looked; a full promote waits for approvals (configurable); an abort never does and
 * cancels the promotes running on its regions.
 */
export class RolloutOperations {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      permissions: PermissionsService;
      store: OperationStore;
      executor: OperationExecutor;
      kubernetes: KubernetesActions;
      liveState: LiveStateService;
      settings: RolloutSettings;
      now?: () => number;
    },
  ) {}

  private now() {
    return (this.deps.now ?? Date.now)();
  }

  private readableEntity(refText: string, credentials: BackstageCredentials) {
    return readableEntity({
      refText,
      credentials,
      catalog: this.deps.catalog,
      permissions: this.deps.permissions,
    });
  }

  private containerOf(entity: Entity): string {
    return (
      entity.metadata.annotations?.[KUBERNETES_ID_ANNOTATION] ??
      entity.metadata.name
    );
  }

  /**
   * The container's state per region, from the entity's snapshot (assembled once per
   * change of the clusters and shared by every read of it).
   */
  private liveRegions(
    entity: Entity,
    container: string,
  ): Map<string, ContainerRegionState> {
    const snapshot = this.deps.liveState.snapshot(entity, []);
    const regions = new Map<string, ContainerRegionState>();
    for (const region of snapshot.containers.find(
      c => c.container === container,
    )?.regions ?? [])
      regions.set(region.cluster, region);
    return regions;
  }

  /** The container's rollout in every configured region, from the live state. */
  async view(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityRollout> {
    const entity = await this.readableEntity(entityRef, credentials);
    const container = this.containerOf(entity);
    const live = this.liveRegions(entity, container);
    const regions: RolloutRegionView[] = [];
    const missing: EntityRollout['missing'] = [];
    for (const cluster of this.deps.kubernetes.clusters()) {
      const region = live.get(cluster);
      const view = region && describeRolloutRegion(region);
      if (view) regions.push(view);
      else
        missing.push({
          cluster,
          reason: !region?.workload
            ? `${container} is not deployed in ${cluster} (or the cluster has not been read yet)`
            : `${container} is a ${region.workload.kind} in ${cluster}, not an Argo Rollout`,
        });
    }
    return {
      entityRef: stringifyEntityRef(entity),
      container,
      generatedAt: new Date(this.now()).toISOString(),
      regions,
      missing,
    };
  }

  /** Reads each region's rollout from its API server (not the watch cache). */
  private async fresh(
    entity: Entity,
    container: string,
    clusters: string[],
  ): Promise<FreshRegion[]> {
    const live = this.liveRegions(entity, container);
    const known = this.deps.kubernetes.clusters();
    const unknown = clusters.filter(c => !known.includes(c));
    if (unknown.length)
      throw new InputError(
        `cluster ${unknown.join(', ')} is not configured; one of ${known.join(
          ', ',
        )}`,
      );
    return Promise.all(
      clusters.map(async cluster => {
        const region = live.get(cluster);
        if (!region?.workload)
          throw new NotFoundError(
            `${container} is not deployed in ${cluster} (or the cluster has not been read yet)`,
          );
        if (region.workload.kind !== 'Rollout')
          throw new InputError(
            `${container} is a ${region.workload.kind} in ${cluster}, not an Argo Rollout: there is nothing to promote or abort`,
          );
        const wire = await this.deps.kubernetes.getRollout({
          cluster,
          namespace: region.workload.namespace,
          name: region.workload.name,
        });
        if (!wire)
          throw new NotFoundError(
            `rollout ${region.workload.namespace}/${region.workload.name} does not exist in ${cluster} any more`,
          );
        const current: ContainerRegionState = {
          ...region,
          workload: toLiveWorkload(['Rollout', wire]),
        };
        return { cluster, wire, view: describeRolloutRegion(current)! };
      }),
    );
  }

  private effect(action: RolloutAction, view: RolloutRegionView): string {
    const blueGreen = view.strategy === 'blueGreen';
    const rollout = { canarySteps: view.steps };
    switch (action) {
      case 'promote':
        if (blueGreen)
          return `switch the active Service from ${view.stableHash} to the preview ${view.podHash}, then scale the old pods down`;
        return `from ${describeStep(
          rollout,
          view.stepIndex ?? 0,
        )} to ${describeStep(
          rollout,
          promoteTargetStep({
            canarySteps: view.steps,
            currentStepIndex: view.stepIndex,
          }),
        )}`;
      case 'promote-full':
        return blueGreen
          ? `switch the active Service to ${view.podHash} at once, skipping analysis`
          : `${view.podHash} to 100% at once: the remaining steps, pauses and analysis are skipped`;
      case 'abort':
        return `back to ${view.stableHash} at 100%; the ${
          blueGreen ? 'preview' : 'canary'
        } pods of ${view.podHash} are scaled down`;
      default:
        return blueGreen
          ? `bring the preview ${view.podHash} up again and pause before the switch`
          : `start ${view.podHash} again from step 0 (${
              view.steps[0]?.title ?? 'its first step'
            })`;
    }
  }

  private async running(
    entityRef: string,
    clusters: string[],
  ): Promise<StoredOperation[]> {
    const { items } = await this.deps.store.list({
      entityRef,
      limit: 200,
      offset: 0,
    });
    return items.filter(
      o =>
        !isFinalOperationState(o.state) &&
        rolloutActionOfKind(o.kind) !== undefined &&
        clustersOf(o).some(c => clusters.includes(c)),
    );
  }

  private approvalsFor(action: RolloutAction): number {
    return action === 'promote-full'
      ? this.deps.settings.promoteFullApprovals
      : 0;
  }

  async preview(
    request: RolloutRequest,
    credentials: BackstageCredentials,
  ): Promise<RolloutPreview> {
    const entity = await this.readableEntity(request.entityRef, credentials);
    const entityRef = stringifyEntityRef(entity);
    const container = this.containerOf(entity);
    const regions = await this.fresh(entity, container, request.clusters);
    const previews: RolloutPreviewRegion[] = regions.map(region => {
      const patches = argoPatches(region.wire, request.action);
      return {
        cluster: region.cluster,
        view: region.view,
        availability: region.view.actions[request.action],
        effect: this.effect(request.action, region.view),
        patches: [
          ...(patches.status
            ? [{ target: 'status' as const, body: patches.status }]
            : []),
          ...(patches.spec
            ? [{ target: 'spec' as const, body: patches.spec }]
            : []),
        ],
      };
    });
    const warnings: string[] = [];
    for (const region of previews) {
      if (!region.availability.allowed)
        warnings.push(`${region.cluster}: ${region.availability.reason}`);
      else if (
        region.view.health.level !== 'healthy' &&
        request.action !== 'abort'
      )
        warnings.push(
          `${region.cluster} is ${
            region.view.health.level
          }: ${region.view.health.reasons.join('; ')}`,
        );
      for (const signal of region.view.signals.slice(2))
        warnings.push(`${region.cluster}: ${signal}`);
      if (!region.view.analysis.declared && request.action !== 'abort')
        warnings.push(
          `${region.cluster}: the strategy runs no analysis; only pod health and restarts gate the wave`,
        );
    }
    if (request.clusters.length > 1 && request.action !== 'abort')
      warnings.push(
        `a wave: ${request.clusters.join(
          ' -> ',
        )}, each region only once the one before reached its goal healthy; it stops at the first that degrades`,
      );
    const running = await this.running(entityRef, request.clusters);
    return {
      kind: ROLLOUT_OPERATION_KINDS[request.action],
      action: request.action,
      entityRef,
      container,
      regions: previews,
      approvalsRequired: this.approvalsFor(request.action),
      warnings,
      ...(running.length ? { runningOperationId: running[0].id } : {}),
    };
  }

  /** Starts an action; `created: false` when the idempotency key names an earlier one. */
  async create(
    request: RolloutCreateRequest,
    actor: string,
    credentials: BackstageCredentials,
  ): Promise<{ operation: Operation; created: boolean }> {
    const { store, executor } = this.deps;
    const entity = await this.readableEntity(request.entityRef, credentials);
    const entityRef = stringifyEntityRef(entity);
    const kind = ROLLOUT_OPERATION_KINDS[request.action];
    const permission = OPERATION_PERMISSIONS[kind];
    await authorizeOn(
      this.deps.permissions,
      permission,
      entityRef,
      credentials,
      `you may not ${request.action} the rollout of ${entityRef}: ${permission.name} is for its owners and the platform on-call group`,
    );
    if (request.action === 'promote' || request.action === 'promote-full') {
      const unseen = request.clusters.filter(
        c => request.expected[c]?.podHash === undefined,
      );
      if (unseen.length)
        throw new InputError(
          `a ${request.action} needs what you saw of ${unseen.join(
            ', ',
          )} (at least its podHash, and its stepIndex for a canary), so that it is refused if the rollout moved`,
        );
    }
    if (request.action !== 'abort' && request.confirm !== entity.metadata.name)
      throw new InputError(
        `confirm must be the target's name, '${entity.metadata.name}' (got '${
          request.confirm ?? ''
        }')`,
      );
    const container = this.containerOf(entity);
    const regions = await this.fresh(entity, container, request.clusters);
    // Compare-and-set: the rollout must be where the operator saw it.
    const moved: string[] = [];
    const refused: string[] = [];
    for (const region of regions) {
      const expected = request.expected[region.cluster];
      if (expected && request.action !== 'abort') {
        const rollout = toLiveWorkload(['Rollout', region.wire]).rollout!;
        const changes = rolloutChanges(expected, rollout);
        if (changes.length)
          moved.push(`${region.cluster}: ${changes.join('; ')}`);
      }
      const availability = region.view.actions[request.action];
      if (!availability.allowed)
        refused.push(`${region.cluster}: ${availability.reason}`);
    }
    const requestHash = createHash('sha256')
      .update(
        JSON.stringify([
          entityRef,
          request.action,
          request.clusters,
          request.expected,
          request.reason,
          request.incidentUrl ?? null,
        ]),
      )
      .digest('hex');
    const cluster = request.clusters.join(',');
    if (moved.length || refused.length) {
      throw new ConflictError(
        [
          moved.length
            ? `the rollout moved since you looked, nothing was done: ${moved.join(
                ' | ',
              )}`
            : '',
          refused.length
            ? `${request.action} is not possible now: ${refused.join(' | ')}`
            : '',
        ]
          .filter(Boolean)
          .join('; '),
      );
    }
    const running = await this.running(entityRef, request.clusters);
    if (request.action === 'abort') {
      // An abort wins: the promotes and retries running on its regions stop.
      for (const other of running.filter(o => o.kind !== kind)) {
        const cancelled = await store.requestCancel({
          id: other.id,
          by: actor,
          now: this.now(),
        });
        if (cancelled) executor.changed(cancelled);
      }
    } else {
      const other = running.find(o => o.cluster !== cluster || o.kind !== kind);
      if (other)
        throw new ConflictError(
          `operation ${other.id} (${other.kind} in ${other.cluster}, asked by ${other.actor}) is ${other.state} on these regions; wait for it to end or cancel it`,
        );
    }
    const { operation, created } = await store.create(
      this.newOperation(request, {
        entityRef,
        kind,
        cluster,
        container,
        regions,
        actor,
        requestHash,
      }),
      this.now(),
    );
    if (created) {
      executor.changed(operation);
      executor.poke();
    }
    return { operation: publicOperation(operation), created };
  }

  private newOperation(
    request: RolloutCreateRequest,
    options: {
      entityRef: string;
      kind: (typeof ROLLOUT_OPERATION_KINDS)[RolloutAction];
      cluster: string;
      container: string;
      regions: FreshRegion[];
      actor: string;
      requestHash: string;
    },
  ) {
    const first = options.regions[0].view;
    const expected: Record<string, RolloutExpectation> = {};
    for (const region of options.regions)
      expected[region.cluster] =
        request.expected[region.cluster] ?? region.view.expected;
    const parameters: RolloutParameters = {
      action: request.action,
      clusters: request.clusters,
      expected,
    };
    const progress: RolloutProgress = {
      action: request.action,
      container: options.container,
      namespace: first.namespace,
      workload: first.workload,
      clusters: request.clusters,
      expected,
      phase: 'act',
      index: 0,
      goals: {},
      sending: {},
      patched: {},
      conflicts: 0,
    };
    const approvals = this.approvalsFor(request.action);
    return {
      kind: options.kind,
      entityRef: options.entityRef,
      cluster: options.cluster,
      parameters,
      steps: rolloutSteps(request.action, request.clusters),
      progress: progress as unknown as StoredOperation['progress'],
      actor: options.actor,
      reason: request.reason,
      ...(request.incidentUrl ? { incidentUrl: request.incidentUrl } : {}),
      ...(request.idempotencyKey
        ? { idempotencyKey: request.idempotencyKey }
        : {}),
      requestHash: options.requestHash,
      ...(approvals > 0
        ? {
            approval: {
              required: approvals,
              expiresAt:
                this.now() + this.deps.settings.approvalWindowSeconds * 1000,
            },
          }
        : {}),
    };
  }
}
