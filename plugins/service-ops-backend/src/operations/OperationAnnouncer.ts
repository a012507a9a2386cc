import { LoggerService } from '@backstage/backend-plugin-api';
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
      /** The page of an entity, for the notification's link. */
      entityLink: (entityRef: string) => string;
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
            link: this.deps.entityLink(operation.entityRef),
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
