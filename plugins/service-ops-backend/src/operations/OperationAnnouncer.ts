import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  isFinalOperationState,
  Operation,
  operationsChannel,
  OperationSignal,
} from '@internal/backstage-plugin-service-ops-common';

/**
 * Tells the pages and the requester about operations: a signal on the entity's
 * operations channel on every change (no data: the page refetches through the
 * permission-checked route), and a Backstage notification to the requester when an
 * operation ends.
 */
export class OperationAnnouncer {
  constructor(
    private readonly deps: {
      signals: SignalsService;
      notifications?: NotificationService;
      logger: LoggerService;
      /** Where the operation is followed in the app (its entity's tab). */
      entityLink: (operation: Operation) => string;
    },
  ) {}

  async changed(operation: Operation): Promise<void> {
    const message: OperationSignal = {
      id: operation.id,
      entityRef: operation.entityRef,
      state: operation.state,
      updatedAt: operation.updatedAt,
    };
    await this.deps.signals.publish({
      recipients: { type: 'broadcast' },
      channel: operationsChannel(operation.entityRef),
      message: { ...message },
    });
    if (
      operation.state === 'awaiting-approval' &&
      (operation.approval?.approvals.length ?? 0) === 0 &&
      this.deps.notifications
    ) {
      // Asked for just now: the target's owners (the notifications backend resolves an
      // entity to its owner), not the requester, are asked to approve.
      const what = `${operation.kind} of ${operation.entityRef} in ${operation.cluster}`;
      await this.deps.notifications
        .send({
          recipients: {
            type: 'entity',
            entityRef: operation.entityRef,
            excludeEntityRef: operation.actor,
          },
          payload: {
            title: `Approval needed: ${what}`,
            description: `${operation.actor} asks for it: ${
              operation.reason
            }. It needs ${operation.approval?.required ?? 1} approval(s) by ${
              operation.approval?.expiresAt
            }.`,
            link: this.deps.entityLink(operation),
            severity: 'high',
            topic: `service-ops operation ${operation.id}`,
          },
        })
        .catch(error =>
          this.deps.logger.warn(
            `could not ask for the approval of operation ${operation.id}: ${error}`,
          ),
        );
    }
    if (isFinalOperationState(operation.state) && this.deps.notifications) {
      const what = `${operation.kind} of ${operation.entityRef} in ${operation.cluster}`;
      await this.deps.notifications
        .send({
          recipients: { type: 'entity', entityRef: operation.actor },
          payload: {
            title: `${what}: ${operation.state}`,
            description:
              operation.state === 'failed'
                ? operation.error ?? 'failed'
                : `${
                    operation.steps.filter(s => s.status === 'succeeded').length
                  } of ${operation.steps.length} steps done. Reason: ${
                    operation.reason
                  }`,
            link: this.deps.entityLink(operation),
            severity: operation.state === 'failed' ? 'high' : 'normal',
            topic: `service-ops operation ${operation.id}`,
          },
        })
        .catch(error =>
          this.deps.logger.warn(
            `could not notify ${operation.actor} about operation ${operation.id}: ${error}`,
          ),
        );
    }
  }
}

/**
 * Where an operation is followed in the app: its entity's Signing keys tab for a key
 * rotation, its Actions tab for the others.
 */
export function operationLink(
  appBaseUrl: string,
  operation: Operation,
): string {
  const { kind, namespace, name } = parseEntityRef(operation.entityRef);
  const tab = operation.kind === 'key-rotation' ? 'signing-keys' : 'actions';
  return `${appBaseUrl}/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/${tab}`;
}
