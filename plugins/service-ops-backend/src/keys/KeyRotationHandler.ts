import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import {
  KeyRotationMode,
  KeyRotationParameters,
  OperationStep,
} from '@internal/backstage-plugin-service-ops-common';
import {
  Advance,
  OperationContext,
  OperationHandler,
} from '../operations/OperationExecutor';
import { clockTime } from '../operations/CollabDrainHandler';
import { mergeSteps } from '../operations/steps';
import { StoredOperation } from '../operations/types';
import { KeyRotationSettings } from './readKeySettings';
import {
  KeyServiceRefusal,
  SigningKeyAdministration,
} from './SigningKeyAdministration';

type Phase =
  | 'queued'
  | 'create'
  | 'replicate'
  | 'activate'
  | 'retire'
  | 'publish'
  | 'done'
  | 'failed'
  | 'skipped';

const PHASES: Phase[] = [
  'create',
  'replicate',
  'activate',
  'retire',
  'publish',
];
const IN_FLIGHT: Phase[] = PHASES;

/** One tenant's rotation, as the operation's durable memory keeps it. */
export interface TenantRotation {
  tenantId: string;
  phase: Phase;
  /** The key that signed before (the one replaced). */
  previousKid?: string;
  newKid?: string;
  /** When the tenant's rotation began, and when the new key was created (epoch ms). */
  startedAt?: number;
  createdAt?: number;
  /** Regions whose JWKS showed the new key. */
  replicated: string[];
  /** A drill: when the replaced key is revoked. */
  revokeAt?: string;
  /** When content-service first failed to answer, while it keeps not answering. */
  unavailableSince?: number;
  /** The new key was revoked before activation (the rotation stopped). */
  discarded?: boolean;
  /** Until when the tenant waits (the next JWKS check or retry). */
  nextAt?: number;
  error?: string;
}

export interface KeyRotationProgress {
  tenants: TenantRotation[];
}

export function rotationSteps(
  parameters: Pick<KeyRotationParameters, 'tenants' | 'mode' | 'graceSeconds'>,
): OperationStep[] {
  if (parameters.tenants.length > 1)
    return parameters.tenants.map(tenantId => ({
      id: `tenant:${tenantId}`,
      title: `Rotate ${tenantId}`,
      status: 'pending',
    }));
  const tenant = parameters.tenants[0];
  return [
    { id: 'create', title: `Create ${tenant}'s new key`, status: 'pending' },
    {
      id: 'replicate',
      title: "Wait until every region's JWKS has the new key",
      status: 'pending',
    },
    { id: 'activate', title: 'Activate the new key', status: 'pending' },
    {
      id: 'retire',
      title:
        parameters.mode === 'emergency'
          ? 'Revoke the replaced key'
          : `Keep the replaced key verify-only for ${describeSeconds(
              parameters.graceSeconds,
            )}`,
      status: 'pending',
    },
    {
      id: 'publish',
      title: 'Publish content.signing_key.rotated.v1',
      status: 'pending',
    },
  ];
}

export function describeSeconds(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day(s)`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour(s)`;
  if (seconds % 60 === 0) return `${seconds / 60} minute(s)`;
  return `${seconds} s`;
}

/** A tenant's new key did not reach every region in time. */
class ReplicationTimeout extends KeyServiceRefusal {
  constructor(message: string) {
    super('not-replicated', message);
  }
}

/**
 * Rotates tenants' signing keys through content-service's key administration, up to
 * `concurrency` tenants at a time. Per tenant: create the new key (one per operation id,
 * so a retried step never makes a second), wait (durably, polling each region's JWKS)
 * until every region shows it, activate it, then revoke the replaced key (emergency) or
 * keep it verify-only for the grace window (drill), and publish the rotated event (once:
 * JetStream de-duplicates on the event id). A region that never shows the key within
 * `replicationTimeoutSeconds` stops that tenant before activation (the new key is
 * revoked, the old one keeps signing). Each phase of each tenant is audited with its kids.
 */
export class KeyRotationHandler implements OperationHandler {
  readonly kind = 'key-rotation' as const;

  constructor(
    private readonly deps: {
      keys: SigningKeyAdministration;
      auditor: AuditorService;
      settings: KeyRotationSettings;
      regions: string[];
      /** Keys changed (the inventory's cache is stale). */
      onKeysChanged?: () => void;
    },
  ) {}

  async advance(context: OperationContext): Promise<Advance> {
    const operation = context.operation;
    const parameters = operation.parameters as KeyRotationParameters;
    const progress = operation.progress as unknown as KeyRotationProgress;
    if (operation.state === 'cancelling')
      return this.cancel(context, parameters, progress);
    const now = context.now();
    // Start queued tenants up to the concurrency.
    let inFlight = progress.tenants.filter(t => IN_FLIGHT.includes(t.phase));
    for (const tenant of progress.tenants) {
      if (inFlight.length >= parameters.concurrency) break;
      if (tenant.phase !== 'queued') continue;
      tenant.phase = 'create';
      tenant.startedAt = now;
      inFlight.push(tenant);
    }
    const due = inFlight.filter(t => (t.nextAt ?? 0) <= now);
    if (due.length === 0 && inFlight.length > 0) {
      const until = Math.min(...inFlight.map(t => t.nextAt ?? now));
      return { type: 'wait', until };
    }
    const changes: Record<string, Partial<OperationStep>> = {};
    await Promise.all(
      due.map(tenant =>
        this.unit(context, parameters, tenant).then(change =>
          Object.assign(changes, change),
        ),
      ),
    );
    await this.save(context, progress, changes);
    inFlight = progress.tenants.filter(t => IN_FLIGHT.includes(t.phase));
    const queued = progress.tenants.some(t => t.phase === 'queued');
    if (inFlight.length > 0 || queued) return { type: 'continue' };
    const failed = progress.tenants.filter(t => t.phase === 'failed');
    if (failed.length === 0) return { type: 'succeeded' };
    const done = progress.tenants.filter(t => t.phase === 'done').length;
    const error =
      progress.tenants.length === 1
        ? failed[0].error ?? 'the rotation failed'
        : `${failed.length} of ${
            progress.tenants.length
          } tenant(s) not rotated (${done} rotated): ${failed
            .slice(0, 5)
            .map(t => `${t.tenantId}: ${t.error}`)
            .join('; ')}${failed.length > 5 ? '; …' : ''}`;
    return { type: 'failed', error };
  }

  /** One phase of one tenant; returns the step changes. */
  private async unit(
    context: OperationContext,
    parameters: KeyRotationParameters,
    tenant: TenantRotation,
  ): Promise<Record<string, Partial<OperationStep>>> {
    const now = context.now();
    const phase = tenant.phase;
    try {
      const detail = await this.phase(context, parameters, tenant);
      delete tenant.unavailableSince;
      return this.stepChange(context.operation, tenant, phase, detail);
    } catch (error) {
      if (error instanceof ReplicationTimeout)
        return this.fail(context, tenant, phase, error.message);
      if (
        error instanceof KeyServiceRefusal &&
        error.code === 'not-replicated' &&
        phase === 'activate'
      ) {
        // A region's JWKS lost the key after we saw it: confirm every region again.
        tenant.phase = 'replicate';
        tenant.replicated = [];
        tenant.nextAt = now + this.deps.settings.pollSeconds * 1000;
        return this.stepChange(
          context.operation,
          tenant,
          'replicate',
          `content-service would not activate yet: ${error.message}; checking the regions again`,
          'running',
        );
      }
      if (error instanceof KeyServiceRefusal && error.code !== 'bad-reply') {
        const message = `content-service refused to ${verb(phase)} (${
          error.code
        }): ${error.message}`;
        return this.fail(context, tenant, phase, message);
      }
      // No answer (NATS down, content-service slow): try again, for as long as the
      // replication may take.
      tenant.unavailableSince = tenant.unavailableSince ?? now;
      const limit = this.deps.settings.replicationTimeoutSeconds * 1000;
      const message = (error as Error).message;
      if (now - tenant.unavailableSince > limit)
        return this.fail(
          context,
          tenant,
          phase,
          `${
            phase === 'publish'
              ? 'NATS did not take the event'
              : 'content-service did not answer'
          } for ${
            this.deps.settings.replicationTimeoutSeconds
          } s while trying to ${verb(phase)}: ${message}`,
        );
      tenant.nextAt = now + this.deps.settings.pollSeconds * 1000;
      const who =
        phase === 'publish'
          ? 'NATS did not take the event'
          : 'content-service did not answer';
      return this.stepChange(
        context.operation,
        tenant,
        phase,
        `${who} (${message}); trying again at ${clockTime(tenant.nextAt)}`,
        'running',
      );
    }
  }

  /** Does the tenant's current phase; returns its detail and moves the phase on. */
  private async phase(
    context: OperationContext,
    parameters: KeyRotationParameters,
    tenant: TenantRotation,
  ): Promise<string> {
    const { keys, settings, regions } = this.deps;
    const operation = context.operation;
    const now = context.now();
    switch (tenant.phase) {
      case 'create': {
        if (tenant.previousKid === undefined) {
          const current = await keys.list(tenant.tenantId);
          const active = current.keys.find(k => k.state === 'active');
          if (active) tenant.previousKid = active.kid;
        }
        const created = await keys.rotate({
          tenantId: tenant.tenantId,
          operationId: operation.id,
          mode: parameters.mode,
          reason: operation.reason,
        });
        tenant.newKid = created.kid;
        tenant.createdAt = Date.parse(created.createdAt) || now;
        tenant.phase = 'replicate';
        await this.audit(operation, tenant, 'create', {
          repeated: created.repeated,
        });
        return `created ${created.kid}${
          tenant.previousKid
            ? `; ${tenant.previousKid} signs until it is active`
            : ''
        }`;
      }
      case 'replicate': {
        const missing = regions.filter(r => !tenant.replicated.includes(r));
        const silent: string[] = [];
        await Promise.all(
          missing.map(async region => {
            try {
              const kids = await keys.jwksKids(region, tenant.tenantId);
              if (kids.includes(tenant.newKid!)) tenant.replicated.push(region);
            } catch {
              silent.push(region);
            }
          }),
        );
        tenant.replicated.sort(
          (a, b) => regions.indexOf(a) - regions.indexOf(b),
        );
        const waiting = regions.filter(r => !tenant.replicated.includes(r));
        if (waiting.length === 0) {
          tenant.phase = 'activate';
          delete tenant.nextAt;
          await this.audit(operation, tenant, 'replicate', {
            regions: tenant.replicated.join(','),
          });
          return `${
            tenant.newKid
          } is in the JWKS of every region (${regions.join(', ')})`;
        }
        const elapsed = now - (tenant.createdAt ?? now);
        const confirmed = tenant.replicated.length
          ? `${tenant.replicated.join(', ')} confirmed`
          : 'no region confirmed';
        const silence = silent.length
          ? `; ${silent.join(', ')} did not answer`
          : '';
        if (elapsed > settings.replicationTimeoutSeconds * 1000) {
          const discarded = await this.discard(operation, tenant);
          throw new ReplicationTimeout(
            `${tenant.newKid} did not appear in the JWKS of ${waiting.join(
              ', ',
            )} within ${
              settings.replicationTimeoutSeconds
            } s (${confirmed}${silence}); it was not activated, ${
              tenant.previousKid ?? 'the old key'
            } still signs${discarded}`,
          );
        }
        tenant.nextAt = now + settings.pollSeconds * 1000;
        return `waiting for ${waiting.join(
          ', ',
        )} (${confirmed}${silence}); ${Math.round(elapsed / 1000)} s of ${
          settings.replicationTimeoutSeconds
        } s`;
      }
      case 'activate': {
        const activated = await keys.activate({
          tenantId: tenant.tenantId,
          operationId: operation.id,
          kid: tenant.newKid!,
        });
        if (activated.previousKid) tenant.previousKid = activated.previousKid;
        tenant.phase = 'retire';
        this.deps.onKeysChanged?.();
        await this.audit(operation, tenant, 'activate', {
          activatedAt: activated.activatedAt,
        });
        return `${tenant.newKid} signs ${
          tenant.tenantId
        }'s bundles since ${clockTime(Date.parse(activated.activatedAt))}${
          tenant.previousKid ? `; ${tenant.previousKid} is verify-only` : ''
        }`;
      }
      case 'retire': {
        if (!tenant.previousKid) {
          tenant.phase = 'publish';
          return 'no key to retire (the tenant had no active key)';
        }
        const drill = parameters.mode === 'drill';
        const after = drill
          ? new Date(
              (tenant.createdAt ?? now) + parameters.graceSeconds * 1000,
            ).toISOString()
          : undefined;
        const revoked = await keys.revoke({
          tenantId: tenant.tenantId,
          operationId: operation.id,
          kid: tenant.previousKid,
          reason: drill
            ? `drill ${operation.id}: grace window`
            : `emergency rotation ${operation.id}: ${operation.reason}`,
          ...(after ? { after } : {}),
        });
        if (revoked.revokeAt) tenant.revokeAt = revoked.revokeAt;
        tenant.phase = 'publish';
        this.deps.onKeysChanged?.();
        await this.audit(operation, tenant, 'retire', {
          state: revoked.state,
          ...(revoked.revokeAt ? { revokeAt: revoked.revokeAt } : {}),
        });
        return revoked.revokeAt
          ? `${tenant.previousKid} verifies until ${revoked.revokeAt}, then is revoked`
          : `${tenant.previousKid} revoked: bundles signed with it no longer verify`;
      }
      case 'publish': {
        const published = await keys.publishRotated({
          eventId: `${operation.id}:${tenant.tenantId}`,
          occurredAt: new Date(now).toISOString(),
          tenantId: tenant.tenantId,
          mode: parameters.mode,
          newKid: tenant.newKid!,
          ...(tenant.previousKid
            ? {
                previousKid: tenant.previousKid,
                previousKidState: tenant.revokeAt ? 'verify-only' : 'revoked',
              }
            : {}),
          ...(tenant.revokeAt ? { previousKidRevokeAt: tenant.revokeAt } : {}),
          operationId: operation.id,
          requestedBy: operation.actor,
          approvedBy: (operation.approval?.approvals ?? []).map(a => a.by),
          reason: operation.reason,
          ...(operation.incidentUrl
            ? { incidentUrl: operation.incidentUrl }
            : {}),
        });
        tenant.phase = 'done';
        await this.audit(operation, tenant, 'publish', {
          stream: published.stream,
          seq: published.seq,
        });
        const drill = parameters.mode === 'drill';
        return `published into ${published.stream} (#${published.seq})${
          drill
            ? `; drill recorded on ${new Date(now).toISOString().slice(0, 10)}`
            : ''
        }`;
      }
      default:
        return '';
    }
  }

  /** Revokes the new, never activated key so that the tenant can be rotated again. */
  private async discard(
    operation: StoredOperation,
    tenant: TenantRotation,
  ): Promise<string> {
    if (!tenant.newKid || tenant.discarded) return '';
    tenant.discarded = true;
    try {
      await this.deps.keys.revoke({
        tenantId: tenant.tenantId,
        operationId: operation.id,
        kid: tenant.newKid,
        reason: `rotation ${operation.id} stopped before activation`,
      });
      this.deps.onKeysChanged?.();
      return `; the new key was revoked`;
    } catch (error) {
      return `; the new key could not be revoked (${
        (error as Error).message
      }) and stays pending`;
    }
  }

  private async fail(
    context: OperationContext,
    tenant: TenantRotation,
    phase: Phase,
    message: string,
  ): Promise<Record<string, Partial<OperationStep>>> {
    let error = message;
    if (phase === 'create' || phase === 'replicate')
      error += await this.discard(context.operation, tenant);
    tenant.phase = 'failed';
    tenant.error = error;
    delete tenant.nextAt;
    await this.audit(context.operation, tenant, phase, { error }, true);
    return this.stepChange(context.operation, tenant, phase, error, 'failed');
  }

  private stepChange(
    operation: StoredOperation,
    tenant: TenantRotation,
    phase: Phase,
    detail: string,
    status?: OperationStep['status'],
  ): Record<string, Partial<OperationStep>> {
    const bulk = operation.steps.some(s => s.id.startsWith('tenant:'));
    if (bulk) {
      let stepStatus: OperationStep['status'] = status ?? 'running';
      if (tenant.phase === 'done') stepStatus = 'succeeded';
      const kids = tenant.newKid
        ? ` (${tenant.previousKid ?? 'none'} → ${tenant.newKid})`
        : '';
      return {
        [`tenant:${tenant.tenantId}`]: {
          status: stepStatus,
          detail: `${verb(phase)}${kids}: ${detail}`,
        },
      };
    }
    const changes: Record<string, Partial<OperationStep>> = {};
    if (status === 'failed' || status === 'running' || tenant.phase === phase) {
      changes[phase] = { status: status ?? 'running', detail };
      return changes;
    }
    changes[phase] = { status: 'succeeded', detail };
    if (IN_FLIGHT.includes(tenant.phase))
      changes[tenant.phase] = { status: 'running' };
    return changes;
  }

  private async audit(
    operation: StoredOperation,
    tenant: TenantRotation,
    phase: Phase,
    meta: JsonObject,
    failed = false,
  ): Promise<void> {
    const event = await this.deps.auditor.createEvent({
      eventId: 'key-rotation-step',
      severityLevel: 'high',
      meta: {
        operationId: operation.id,
        entityRef: operation.entityRef,
        actor: operation.actor,
        tenantId: tenant.tenantId,
        step: phase,
        ...(tenant.newKid ? { newKid: tenant.newKid } : {}),
        ...(tenant.previousKid ? { previousKid: tenant.previousKid } : {}),
        ...meta,
      },
    });
    if (failed) await event.fail({ error: new Error(String(meta.error)) });
    else await event.success();
  }

  private async save(
    context: OperationContext,
    progress: KeyRotationProgress,
    changes: Record<string, Partial<OperationStep>>,
  ): Promise<void> {
    await context.save({
      steps: mergeSteps(context.operation.steps, changes, context.now()),
      progress: progress as unknown as JsonObject,
    });
  }

  /**
   * Cancel: tenants not started are skipped; tenants whose new key is not active yet
   * have it revoked (the old key keeps signing); tenants past activation are finished
   * (retire and publish), so no tenant is left between two keys.
   */
  private async cancel(
    context: OperationContext,
    parameters: KeyRotationParameters,
    progress: KeyRotationProgress,
  ): Promise<Advance> {
    const by = context.operation.cancelRequestedBy ?? 'someone';
    const changes: Record<string, Partial<OperationStep>> = {};
    for (const tenant of progress.tenants) {
      if (tenant.phase === 'queued') {
        tenant.phase = 'skipped';
        Object.assign(
          changes,
          this.skip(context.operation, tenant, `cancelled by ${by}`),
        );
      } else if (tenant.phase === 'create' || tenant.phase === 'replicate') {
        const discarded = await this.discard(context.operation, tenant);
        tenant.phase = 'skipped';
        await this.audit(context.operation, tenant, 'skipped', {
          cancelledBy: by,
        });
        Object.assign(
          changes,
          this.skip(
            context.operation,
            tenant,
            `cancelled by ${by} before activation; ${
              tenant.previousKid ?? 'the old key'
            } still signs${discarded}`,
          ),
        );
      } else if (IN_FLIGHT.includes(tenant.phase)) {
        for (let i = 0; i < 4 && IN_FLIGHT.includes(tenant.phase); i++)
          Object.assign(changes, await this.unit(context, parameters, tenant));
      }
    }
    await this.save(context, progress, changes);
    return { type: 'cancelled' };
  }

  private skip(
    operation: StoredOperation,
    tenant: TenantRotation,
    detail: string,
  ): Record<string, Partial<OperationStep>> {
    const bulk = operation.steps.some(s => s.id.startsWith('tenant:'));
    if (bulk)
      return { [`tenant:${tenant.tenantId}`]: { status: 'skipped', detail } };
    return Object.fromEntries(
      operation.steps
        .filter(s => s.status === 'pending' || s.status === 'running')
        .map(s => [s.id, { status: 'skipped' as const, detail }]),
    );
  }
}

function verb(phase: Phase): string {
  switch (phase) {
    case 'create':
      return 'create the new key';
    case 'replicate':
      return 'confirm replication';
    case 'activate':
      return 'activate the new key';
    case 'retire':
      return 'retire the replaced key';
    case 'publish':
      return 'publish the rotated event';
    default:
      return phase;
  }
}

/** The progress a new rotation starts from. */
export function initialRotationProgress(
  tenants: string[],
): KeyRotationProgress {
  return {
    tenants: tenants.map(tenantId => ({
      tenantId,
      phase: 'queued',
      replicated: [],
    })),
  };
}

export type { KeyRotationMode };
