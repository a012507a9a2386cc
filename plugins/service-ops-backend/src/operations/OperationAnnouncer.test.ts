import { mockServices } from '@backstage/backend-test-utils';
import { Operation } from '@internal/backstage-plugin-service-ops-common';
import { OperationAnnouncer, operationLink } from './OperationAnnouncer';

const base: Operation = {
  id: '0b6f3f9e-4f7e-4c1e-9d3e-1f2a3b4c5d6e',
  kind: 'key-rotation',
  entityRef: 'component:default/content-bundler',
  cluster: 'oasis-learning',
  parameters: { tenants: ['oasis-learning'], mode: 'emergency' } as any,
  state: 'awaiting-approval',
  steps: [],
  actor: 'user:default/chen.content',
  reason: 'the key leaked in a log',
  approval: {
    required: 1,
    expiresAt: '2026-12-01T12:15:00.000Z',
    approvals: [],
  },
  createdAt: '2026-12-01T12:00:00.000Z',
  updatedAt: '2026-12-01T12:00:00.000Z',
};

function announcer() {
  const signals = { publish: jest.fn(async () => {}) };
  const notifications = { send: jest.fn(async () => {}) };
  const subject = new OperationAnnouncer({
    signals,
    notifications,
    logger: mockServices.logger.mock(),
    entityLink: o => operationLink('http://portal', o),
  });
  return { subject, signals, notifications };
}

describe('OperationAnnouncer', () => {
  it("asks the target's owners, not the requester, to approve a new request", async () => {
    const { subject, signals, notifications } = announcer();
    await subject.changed(base);
    expect(signals.publish).toHaveBeenCalledWith({
      recipients: { type: 'broadcast' },
      channel: 'service-ops:operations:component:default/content-bundler',
      message: {
        id: base.id,
        entityRef: base.entityRef,
        state: 'awaiting-approval',
        updatedAt: base.updatedAt,
      },
    });
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: 'component:default/content-bundler',
        excludeEntityRef: 'user:default/chen.content',
      },
      payload: expect.objectContaining({
        title:
          'Approval needed: key-rotation of component:default/content-bundler in oasis-learning',
        link: 'http://portal/catalog/default/component/content-bundler/signing-keys',
        severity: 'high',
      }),
    });
    // An approval that is not the last one asks nobody again.
    notifications.send.mockClear();
    await subject.changed({
      ...base,
      approval: {
        ...base.approval!,
        required: 2,
        approvals: [{ by: 'user:default/sam.oncall', at: base.createdAt }],
      },
    });
    expect(notifications.send).not.toHaveBeenCalled();
  });

  it('tells the requester how it ended, with a link to where it is followed', async () => {
    const { subject, notifications } = announcer();
    await subject.changed({
      ...base,
      kind: 'rollout-abort',
      entityRef: 'component:default/content-api',
      state: 'failed',
      error: 'us did not answer',
    });
    expect(notifications.send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: 'user:default/chen.content' },
      payload: expect.objectContaining({
        title:
          'rollout-abort of component:default/content-api in oasis-learning: failed',
        description: 'us did not answer',
        link: 'http://portal/catalog/default/component/content-api/actions',
      }),
    });
  });

  it('sends nothing but the signal while an operation runs', async () => {
    const { subject, signals, notifications } = announcer();
    await subject.changed({ ...base, state: 'running' });
    expect(signals.publish).toHaveBeenCalledTimes(1);
    expect(notifications.send).not.toHaveBeenCalled();
  });
});
