import request from 'supertest';
import { mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import {
  CollabDrainPreview,
  Operation,
  operationsChannel,
  serviceOpsCollabDrainPermission,
} from '@internal/backstage-plugin-service-ops-common';
import { CollabDrainResponder } from '@internal/sandbox-fleet';
import type { TestNatsServer } from '@internal/sandbox-nats';
import {
  keepStepping,
  serviceOpsRequests,
  startCollabFleet,
  startCollabNats,
  startFleetBackend,
  until,
} from '../__testUtils__/collabFleet';

jest.setTimeout(180_000);

const COLLAB = 'component:default/authoring-collab';
const ONCALL = 'user:default/sam.oncall';
const READER = 'user:default/rita.reader';

describe('the collab drain against the sandbox fleet and a real nats-server', () => {
  let sandbox: Awaited<ReturnType<typeof startCollabFleet>>;
  let nats: TestNatsServer;
  let listener: Awaited<ReturnType<typeof startCollabNats>>;
  let responder: CollabDrainResponder;
  let backend: Awaited<ReturnType<typeof startFleetBackend>>;
  let stopTicker: (() => void) | undefined;
  const notices: Array<{ subject: string; body: any }> = [];
  const signals: string[] = [];
  const actions = actionsRegistryServiceMock();

  const collabPods = () => sandbox.collabPods();
  const { as, post, get, operation, finished } = serviceOpsRequests(
    () => backend.server,
    ONCALL,
  );
  const operations = async (): Promise<Operation[]> => {
    const res = await get('/operations', { entityRef: COLLAB });
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const drain = {
    entityRef: COLLAB,
    cluster: 'eu',
    reason: 'roll the collab pods onto the patched image',
    confirm: 'authoring-collab',
    noticeSeconds: 1,
  };

  beforeAll(async () => {
    sandbox = await startCollabFleet(42);
    // A listener that only records what the portal sends.
    listener = await startCollabNats(message => {
      notices.push({ subject: message.subject, body: message.json<any>() });
    });
    nats = listener.nats;
    // The collab pods' side of the contract: the sandbox's responders, whose pods lose
    // their clients by the deadline to the other pods (the pods' metric shows it).
    responder = await CollabDrainResponder.start({
      servers: nats.url,
      regions: sandbox.fleet.clusters.map(c => c.collab),
    });
    backend = await startFleetBackend({
      fleet: sandbox.fleet,
      serviceOps: {
        liveState: { metricsIntervalSeconds: 3600, pushDebounceMs: 50 },
        nats: { servers: nats.url },
        operations: {
          pollMs: 100,
          collabDrain: { pollSeconds: 0.2, reconnectTimeoutSeconds: 5 },
        },
      },
      // Everyone reads; only the on-call user may drain.
      allows: (permission, user) =>
        permission !== serviceOpsCollabDrainPermission.name || user === ONCALL,
      actions,
      onSignal: channel => signals.push(channel),
    });
    // Let the informers list the clusters.
    await until(
      () =>
        post('/operations/collab-drain/preview', {
          entityRef: COLLAB,
          cluster: 'eu',
        }),
      res => res.status === 200,
      'the live state of eu',
    );
  });

  afterAll(async () => {
    stopTicker?.();
    await backend?.stop();
    await responder?.stop();
    await listener?.stop();
    await sandbox?.fleet.stop();
  });

  /**
   * Runs eu's controllers on, `speed()` simulated ms per 100 ms: replacement pods start
   * and become Ready.
   */
  const runClusters = (speed: () => number = () => 5_000) => {
    stopTicker = keepStepping({
      clock: sandbox.clock,
      step: () => sandbox.eu.cluster.step(),
      everyMs: 100,
      advanceMs: speed,
    });
  };
  const stopClusters = () => {
    stopTicker?.();
    stopTicker = undefined;
  };

  it('previews the drain from live state: the pods in order, the PDB and a dry-run eviction', async () => {
    const res = await post('/operations/collab-drain/preview', {
      entityRef: COLLAB,
      cluster: 'eu',
    });
    expect(res.status).toBe(200);
    const preview: CollabDrainPreview = res.body;
    expect(preview).toMatchObject({
      kind: 'collab-drain',
      entityRef: COLLAB,
      cluster: 'eu',
      namespace: 'authoring',
      workload: 'authoring-collab',
      noticeSeconds: 300,
      dryRun: { allowed: true },
      disruptionBudget: { name: 'authoring-collab' },
    });
    expect(preview.pods.map(p => p.name).sort()).toEqual(collabPods());
    expect(preview.estimatedSeconds).toBe(300 + preview.pods.length * 60);
    // the dry run evicted nothing
    expect(sandbox.deleted).toEqual([]);
  });

  it.each([
    ['no body', undefined, /entityRef is required/],
    ['no reason', { ...drain, reason: undefined }, /reason is required/],
    [
      'a short reason',
      { ...drain, reason: 'because' },
      /at least 10 characters/,
    ],
    [
      'no confirmation',
      { ...drain, confirm: undefined },
      /confirm is required/,
    ],
    [
      'a wrong confirmation',
      { ...drain, confirm: 'authoring-api' },
      /confirm must be the target's name/,
    ],
    ['an unknown field', { ...drain, force: true }, /force/],
    [
      'a pod list that is not a list',
      { ...drain, pods: 'all' },
      /pods must be a list/,
    ],
    ['a repeated pod', { ...drain, pods: ['a', 'a'] }, /must not repeat/],
    [
      'an unknown pod',
      { ...drain, pods: ['authoring-collab-nope'] },
      /no pod named authoring-collab-nope/,
    ],
    ['a negative notice', { ...drain, noticeSeconds: -1 }, /at least 0/],
    ['a fractional notice', { ...drain, noticeSeconds: 1.5 }, /whole number/],
    [
      'an unknown cluster',
      { ...drain, cluster: 'mars' },
      /cluster 'mars' is not configured/,
    ],
    [
      'a bad incident link',
      { ...drain, incidentUrl: 'not a url' },
      /incidentUrl must be a URL/,
    ],
    [
      'another container',
      {
        ...drain,
        entityRef: 'component:default/authoring-api',
        confirm: 'authoring-api',
      },
      /applies to authoring-collab/,
    ],
    [
      'a bad entity ref',
      { ...drain, entityRef: 'component:default/' },
      /not an entity reference/,
    ],
  ])('answers 400 to %s and records nothing', async (_name, body, message) => {
    const res = await post('/operations/collab-drain', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect(await operations()).toEqual([]);
  });

  it('answers 400 to malformed JSON and a bad Idempotency-Key', async () => {
    const res = await request(backend.server)
      .post('/api/service-ops/operations/collab-drain')
      .set('Authorization', as(ONCALL))
      .set('Content-Type', 'application/json')
      .send('{"entityRef": ');
    expect(res.status).toBe(400);
    const key = await post('/operations/collab-drain', drain).set(
      'Idempotency-Key',
      'has spaces in it',
    );
    expect(key.status).toBe(400);
    expect(key.body.error.message).toMatch(/Idempotency-Key/);
    expect(await operations()).toEqual([]);
  });

  it.each([
    ['an id that is not a UUID', 'not-a-uuid', {}, /must be a UUID/],
    [
      'a body with fields',
      '00000000-0000-4000-8000-000000000000',
      { force: true },
      /force/,
    ],
  ])('answers 400 to a cancel with %s', async (_name, id, body, message) => {
    const res = await post(`/operations/${id}/cancel`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
  });

  it('answers 404 to an unknown operation', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    expect((await get(`/operations/${id}`)).status).toBe(404);
    expect((await post(`/operations/${id}/cancel`, {})).status).toBe(404);
    expect((await get(`/operations/not-a-uuid`)).status).toBe(400);
  });

  it('refuses a drain to someone without the permission, and nothing happens', async () => {
    const res = await post('/operations/collab-drain', drain, READER);
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/may not drain/);
    expect(await operations()).toEqual([]);
    expect(notices).toEqual([]);
  });

  it('offers the operations as actions: reads read-only, writes destructive, guarded alike', async () => {
    const { actions: listed } = await actions.list();
    expect(
      listed
        .map(
          a => `${a.name}:${a.attributes.readOnly}:${a.attributes.destructive}`,
        )
        .sort(),
    ).toEqual([
      'approve-operation:false:true',
      'cancel-operation:false:true',
      'get-operation:true:false',
      'get-rollout:true:false',
      'list-operations:true:false',
      'list-signing-keys:true:false',
      'preview-collab-drain:true:false',
      'preview-rollout-action:true:false',
      'request-key-rotation:false:true',
      'start-collab-drain:false:true',
      'start-rollout-action:false:true',
    ]);
    const preview = await actions.invoke({
      id: 'test:preview-collab-drain',
      input: { entityRef: COLLAB, cluster: 'eu' },
      credentials: mockCredentials.user(READER),
    });
    expect(preview.output).toMatchObject({
      preview: { cluster: 'eu', workload: 'authoring-collab' },
    });
    await expect(
      actions.invoke({
        id: 'test:start-collab-drain',
        input: drain,
        credentials: mockCredentials.user(READER),
      }),
    ).rejects.toThrow(/may not drain/);
    expect(await operations()).toEqual([]);
  });

  it('makes one operation of a repeated request, refuses a second drain of the target, and cancels', async () => {
    const long = { ...drain, noticeSeconds: 600 };
    const first = await post('/operations/collab-drain', long).set(
      'Idempotency-Key',
      'drain-1',
    );
    expect(first.status).toBe(201);
    const again = await post('/operations/collab-drain', long).set(
      'Idempotency-Key',
      'drain-1',
    );
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const reused = await post('/operations/collab-drain', {
      ...long,
      reason: 'a different request under the same key',
    }).set('Idempotency-Key', 'drain-1');
    expect(reused.status).toBe(409);
    const second = await post('/operations/collab-drain', long);
    expect(second.status).toBe(409);
    expect(second.body.error.message).toContain(first.body.id);
    expect(await operations()).toHaveLength(1);

    // Waiting out the notice: every pod notified, nothing evicted.
    const waiting = await until(
      () => operation(first.body.id),
      o => o.steps.find(s => s.id === 'wait')?.status === 'running',
      'the notice to go out',
    );
    expect(waiting.waitingUntil).toBeDefined();
    // the deadline the pods were given: the notice from the notify step's start
    const wait = waiting.steps.find(s => s.id === 'wait')!;
    const notify = waiting.steps.find(s => s.id === 'notify')!;
    expect(
      Date.parse(wait.until!) - Date.parse(notify.startedAt!),
    ).toBeGreaterThanOrEqual(599_000);
    const pods = waiting.steps
      .filter(s => s.id.startsWith('evict:'))
      .map(s => s.id.slice('evict:'.length));
    expect(
      notices
        .filter(n => n.subject.endsWith('.drain'))
        .map(n => n.body.pod)
        .sort(),
    ).toEqual([...pods].sort());
    const cancel = await post(`/operations/${first.body.id}/cancel`, {});
    expect(cancel.status).toBe(200);
    const cancelled = await finished(first.body.id);
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.cancelRequestedBy).toBe(ONCALL);
    // the notified pods were told, and none was evicted
    expect(
      notices
        .filter(n => n.subject.endsWith('.drain-cancel'))
        .map(n => n.body.pod)
        .sort(),
    ).toEqual([...pods].sort());
    expect(sandbox.deleted).toEqual([]);
    expect(signals).toContain(operationsChannel(COLLAB));
  });

  it('drains: notifies, waits, evicts each pod once through the Eviction API and waits for its replacement', async () => {
    notices.length = 0;
    const before = collabPods();
    // In real time during the notice (the clients leave over its 2 s), faster after.
    let evicting = false;
    runClusters(() => (evicting ? 5_000 : 100));
    try {
      const res = await post('/operations/collab-drain', {
        ...drain,
        noticeSeconds: 2,
      });
      expect(res.status).toBe(201);
      await until(
        () => operation(res.body.id),
        o => o.steps.find(s => s.id === 'wait')?.status === 'succeeded',
        'the notice to end',
      );
      evicting = true;
      const done = await finished(res.body.id);
      expect(done.state).toBe('succeeded');
      expect(done.steps.map(s => `${s.id}:${s.status}`)).toEqual([
        'notify:succeeded',
        'wait:succeeded',
        ...res.body.steps
          .filter((s: { id: string }) => s.id.startsWith('evict:'))
          .map((s: { id: string }) => `${s.id}:succeeded`),
        'verify:succeeded',
      ]);
      // the sessions on the notified pods, read from their metric during the notice
      const wait = done.steps.find(s => s.id === 'wait')!;
      expect(wait.series?.label).toBe('sessions left on the notified pods');
      const left = wait.series!.points.map(p => p.value);
      expect(left.length).toBeGreaterThan(0);
      expect(left[left.length - 1]).toBeLessThan(left[0]);
      expect(done.steps.find(s => s.id === 'verify')!.detail).toMatch(
        /^\d+ of \d+ session\(s\) connected$/,
      );
      // every pod evicted exactly once, and replaced
      expect([...sandbox.deleted].sort()).toEqual(before);
      const after = collabPods();
      expect(after.filter(p => before.includes(p))).toEqual([]);
      expect(after.length).toBeGreaterThanOrEqual(before.length);
    } finally {
      stopClusters();
    }
  });

  it('fails before any eviction, with a clear message, when NATS is unreachable', async () => {
    sandbox.deleted.length = 0;
    await nats.kill();
    try {
      const res = await post('/operations/collab-drain', drain);
      expect(res.status).toBe(201);
      const done = await finished(res.body.id);
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(/NATS is (reconnecting|disconnected)/);
      expect(done.error).toMatch(/before notifying anyone or evicting any pod/);
      expect(sandbox.deleted).toEqual([]);
    } finally {
      await nats.start();
    }
  });
});
