import { AuditorService } from '@backstage/backend-plugin-api';
import {
  isFinalOperationState,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';

/**
 * Audits what operations do: each step that starts or ends, and each operation's end,
 * through the auditor service (the request itself is audited by the route). Remembers
 * the step statuses it saw per operation to tell what changed.
 */
export class OperationAudit {
  private readonly seen = new Map<string, Map<string, string>>();

  constructor(private readonly auditor: AuditorService) {}

  async changed(operation: Operation): Promise<void> {
    const before = this.seen.get(operation.id) ?? new Map<string, string>();
    const base = {
      operationId: operation.id,
      kind: operation.kind,
      entityRef: operation.entityRef,
      cluster: operation.cluster,
      actor: operation.actor,
    };
    for (const step of operation.steps) {
      if (before.get(step.id) === step.status || step.status === 'pending')
        continue;
      before.set(step.id, step.status);
      const event = await this.auditor.createEvent({
        eventId: 'operation-step',
        severityLevel: 'medium',
        meta: {
          ...base,
          step: step.id,
          status: step.status,
          ...(step.detail ? { detail: step.detail } : {}),
        },
      });
      if (step.status === 'failed')
        await event.fail({ error: new Error(step.detail ?? step.id) });
      else await event.success();
    }
    this.seen.set(operation.id, before);
    if (isFinalOperationState(operation.state)) {
      this.seen.delete(operation.id);
      const event = await this.auditor.createEvent({
        eventId: 'operation-result',
        severityLevel: 'high',
        meta: { ...base, state: operation.state },
      });
      if (operation.state === 'failed')
        await event.fail({ error: new Error(operation.error ?? 'failed') });
      else await event.success({ meta: { state: operation.state } });
    }
  }
}
