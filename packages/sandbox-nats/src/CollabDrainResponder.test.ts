import { CollabDrainResponder } from './CollabDrainResponder';
import {
  collabDrainCancelSubject,
  collabDrainSubject,
} from './collabDrainContract';
import type {
  CollabDrainCancelOutcome,
  CollabDrainNotice,
  CollabDrainOutcome,
  CollabDrainTarget,
} from './types';
import { NatsTestClient } from './testing/NatsTestClient';
import { startNatsServer, TestNatsServer } from './testing/natsServer';

/** One region's pods as the responder sees them: what they were told, what they answer. */
class FakeRegion implements CollabDrainTarget {
  readonly notices: CollabDrainNotice[] = [];
  readonly cancels: Array<{ operationId: string; pod: string }> = [];
  constructor(
    readonly region: string,
    private readonly pods: Record<string, number>,
  ) {}

  drain(notice: CollabDrainNotice): CollabDrainOutcome {
    this.notices.push(notice);
    if (!(notice.pod in this.pods)) {
      return {
        accepted: false,
        code: 'unknown-pod',
        message: `no collab pod ${notice.pod} in ${this.region}`,
      };
    }
    return {
      accepted: true,
      sessions: this.pods[notice.pod],
      deadline: notice.deadline,
    };
  }

  cancelDrain(request: {
    operationId: string;
    pod: string;
  }): CollabDrainCancelOutcome {
    this.cancels.push(request);
    if (!(request.pod in this.pods)) {
      return { accepted: false, code: 'unknown-pod', message: 'gone' };
    }
    return {
      accepted: true,
      cancelled: true,
      sessions: this.pods[request.pod],
    };
  }
}

const DEADLINE = '2026-11-22T12:05:00.000Z';

describe('CollabDrainResponder', () => {
  jest.setTimeout(30_000);
  let server: TestNatsServer;
  let client: NatsTestClient;
  let responder: CollabDrainResponder;
  let us: FakeRegion;
  let eu: FakeRegion;

  beforeAll(async () => {
    server = await startNatsServer();
    client = await NatsTestClient.connect(server.url);
  });

  beforeEach(async () => {
    us = new FakeRegion('us', { 'collab-us-1': 480 });
    eu = new FakeRegion('eu', { 'collab-eu-1': 210 });
    responder = await CollabDrainResponder.start({
      servers: server.url,
      regions: [us, eu],
    });
  });

  afterEach(() => responder.stop());

  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  const notice = (region: string, pod: string) => ({
    operationId: 'op-1',
    region,
    pod,
    deadline: DEADLINE,
    reason: 'patch',
  });

  it('passes a notice to its region and answers with the pod, its sessions and the deadline', async () => {
    expect(responder.subjects()).toEqual([
      'authoring.collab.v1.us.*.drain',
      'authoring.collab.v1.us.*.drain-cancel',
      'authoring.collab.v1.eu.*.drain',
      'authoring.collab.v1.eu.*.drain-cancel',
    ]);
    const reply = await client.request(
      collabDrainSubject('eu', 'collab-eu-1'),
      notice('eu', 'collab-eu-1'),
    );
    expect(reply).toEqual({
      pod: 'collab-eu-1',
      accepted: true,
      sessions: 210,
      deadline: DEADLINE,
    });
    expect(eu.notices).toEqual([
      {
        operationId: 'op-1',
        pod: 'collab-eu-1',
        deadline: Date.parse(DEADLINE),
        reason: 'patch',
      },
    ]);
    expect(us.notices).toEqual([]);
  });

  it('answers for a pod its region does not know, and refuses bad requests without asking the region', async () => {
    expect(
      await client.request(
        collabDrainSubject('us', 'collab-nope'),
        notice('us', 'collab-nope'),
      ),
    ).toEqual({
      pod: 'collab-nope',
      accepted: false,
      error: {
        code: 'unknown-pod',
        message: 'no collab pod collab-nope in us',
      },
    });
    expect(
      await client.request(collabDrainSubject('us', 'collab-us-1'), '{"oper'),
    ).toEqual({
      pod: 'collab-us-1',
      accepted: false,
      error: {
        code: 'bad-request',
        message: expect.stringMatching(/^the payload is not JSON/),
      },
    });
    expect(
      await client.request(collabDrainSubject('us', 'collab-us-1'), {
        ...notice('us', 'collab-us-1'),
        deadline: undefined,
      }),
    ).toMatchObject({
      accepted: false,
      error: { code: 'bad-request', message: 'deadline is required' },
    });
    expect(us.notices.map(n => n.pod)).toEqual(['collab-nope']);
    // A region the fleet does not run has no responder at all.
    await expect(
      client.request(
        collabDrainSubject('mars', 'collab-1'),
        notice('mars', 'collab-1'),
        1000,
      ),
    ).rejects.toThrow();
  });

  it('passes a cancel to its region, and refuses one it cannot read or for a pod that is gone', async () => {
    const subject = collabDrainCancelSubject('us', 'collab-us-1');
    expect(
      await client.request(subject, {
        operationId: 'op-1',
        pod: 'collab-us-1',
      }),
    ).toEqual({ pod: 'collab-us-1', cancelled: true, sessions: 480 });
    expect(await client.request(subject, { pod: 'collab-us-1' })).toEqual({
      pod: 'collab-us-1',
      cancelled: false,
      accepted: false,
      error: { code: 'bad-request', message: 'operationId is required' },
    });
    expect(
      await client.request(collabDrainCancelSubject('us', 'gone'), {
        operationId: 'op-1',
        pod: 'gone',
      }),
    ).toEqual({
      pod: 'gone',
      cancelled: false,
      accepted: false,
      error: { code: 'unknown-pod', message: 'gone' },
    });
    expect(us.cancels).toEqual([
      { operationId: 'op-1', pod: 'collab-us-1' },
      { operationId: 'op-1', pod: 'gone' },
    ]);
  });

  it('answers again after the server restarts, and not after stop', async () => {
    await server.restart();
    // The client and the responder both reconnect; NATS resubscribes the responder.
    let reply: any;
    for (let attempt = 0; attempt < 50 && !reply; attempt++) {
      reply = await client
        .request(
          collabDrainSubject('us', 'collab-us-1'),
          notice('us', 'collab-us-1'),
          500,
        )
        .catch(() => undefined);
      if (!reply) await new Promise(resolve => setTimeout(resolve, 200));
    }
    expect(reply).toMatchObject({ accepted: true, sessions: 480 });
    await responder.stop();
    await expect(
      client.request(
        collabDrainSubject('us', 'collab-us-1'),
        notice('us', 'collab-us-1'),
        1000,
      ),
    ).rejects.toThrow();
  });
});
