import request from 'supertest';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { typeOfKind } from '@internal/k8s-emulator';
import { Fleet } from '@internal/sandbox-fleet';
import {
  EntityRollout,
  RolloutPreview,
  RolloutRegionView,
} from '@internal/backstage-plugin-service-ops-common';
import {
  serviceOpsRequests,
  startFleetBackend,
  startSandboxFleet,
  until,
} from '../__testUtils__/collabFleet';

jest.setTimeout(240_000);

const CONTENT_API = 'component:default/content-api';
const AUTHORING_API = 'component:default/authoring-api';
const ONCALL = 'user:default/sam.oncall';
const SECOND = 'user:default/olga.oncall';
const READER = 'user:default/rita.reader';
const ROLLOUT = typeOfKind('argoproj.io/v1alpha1', 'Rollout')!;
const POD = typeOfKind('v1', 'Pod')!;

// The store-facing parts (approvals, the abort's cancel, one active operation per
// target) on each database the plugin supports.
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

describe.each(databases.eachSupportedId())(
  'rollout actions against the sandbox fleet on %s',
  databaseId => {
    let fleet: Fleet;
    let backend: Awaited<ReturnType<typeof startFleetBackend>>;
    let stopTicker: (() => void) | undefined;
    const actions = actionsRegistryServiceMock();

    const { as, post, get, operation, finished } = serviceOpsRequests(
      () => backend.server,
      ONCALL,
    );
    const view = async (entityRef = CONTENT_API): Promise<EntityRollout> => {
      const res = await get('/rollouts', { entityRef });
      expect(res.status).toBe(200);
      return res.body;
    };
    const region = async (
      cluster: string,
      entityRef = CONTENT_API,
    ): Promise<RolloutRegionView> =>
      (await view(entityRef)).regions.find(r => r.cluster === cluster)!;
    /** The rollout object as the emulated API server holds it. */
    const rollout = (cluster: string, name = 'content-api') => {
      const c = fleet.clusters.find(x => x.region === cluster)!.cluster;
      return c.store.list(ROLLOUT).find(o => o.metadata.name === name)!;
    };
    /** Pods of the rollout by template hash, not terminating. */
    const podsOf = (cluster: string, hash: string, app = 'content-api') => {
      const c = fleet.clusters.find(x => x.region === cluster)!.cluster;
      return c.store
        .list(POD)
        .filter(
          p =>
            p.metadata.labels?.app === app &&
            p.metadata.labels?.['rollouts-pod-template-hash'] === hash &&
            !p.metadata.deletionTimestamp,
        );
    };
    const pausedAt =
      (stepIndex: number, clusters: string[]) => (v: EntityRollout) =>
        clusters.every(c => {
          const r = v.regions.find(x => x.cluster === c);
          const canary = r?.groups.find(g => g.role === 'canary');
          return (
            r?.state === 'paused' &&
            r.stepIndex === stepIndex &&
            !!canary &&
            canary.pods >= 1 &&
            canary.ready === canary.pods
          );
        });
    const action = (
      act: string,
      clusters: string[],
      seen: EntityRollout,
      extra: Record<string, unknown> = {},
    ) => ({
      entityRef: seen.entityRef,
      action: act,
      clusters,
      expected: Object.fromEntries(
        clusters.map(c => [
          c,
          seen.regions.find(r => r.cluster === c)!.expected,
        ]),
      ),
      reason: 'release 2026.12.1 of content-api, step by step',
      confirm: seen.container,
      ...extra,
    });

    beforeAll(async () => {
      const sandbox = await startSandboxFleet({ seed: 7, warmupSeconds: 60 });
      fleet = sandbox.fleet;
      backend = await startFleetBackend({
        fleet,
        knex: await databases.init(databaseId),
        serviceOps: {
          liveState: { metricsIntervalSeconds: 3600, pushDebounceMs: 50 },
          operations: {
            pollMs: 100,
            rollouts: { pollSeconds: 0.2, stepTimeoutSeconds: 600 },
          },
        },
        // Everyone reads; the two on-call users may act on rollouts.
        allows: (permission, user) =>
          !permission.startsWith('service-ops.operation.') ||
          [ONCALL, SECOND].includes(user),
        actions,
      });
      await until(
        view,
        v => v.regions.length === 4,
        'the live state of the four regions',
      );
      // The clusters' controllers run on: pods start, canaries move.
      stopTicker = sandbox.run();
    });

    afterAll(async () => {
      stopTicker?.();
      await backend?.stop();
      await fleet?.stop();
    });

    it('shows the canary of content-api in every region: the ladder, stable only, no analysis', async () => {
      const seen = await view();
      expect(seen.container).toBe('content-api');
      expect(seen.missing).toEqual([]);
      const us = seen.regions.find(r => r.cluster === 'us')!;
      expect(us).toMatchObject({
        strategy: 'canary',
        state: 'completed',
        stepCount: 5,
        analysis: { declared: false, runs: [] },
      });
      expect(us.steps.map(s => s.title)).toEqual([
        'set weight 10%',
        'pause until promoted',
        'set weight 50%',
        'pause until promoted',
        'set weight 100%',
      ]);
      expect(us.groups.map(g => g.role)).toEqual(['stable']);
      expect(us.actions.promote).toEqual({
        allowed: false,
        reason: expect.stringMatching(/nothing is rolling out/),
      });
    });

    it('starts the release: each region pauses at 10% with one canary pod beside the stable ones', async () => {
      expect(
        fleet.release({ container: 'content-api', version: '2026.12.1' }),
      ).toEqual(['us', 'eu', 'me', 'ap']);
      const seen = await until(
        view,
        pausedAt(1, ['us', 'eu', 'me', 'ap']),
        'every region paused at step 1',
      );
      const eu = seen.regions.find(r => r.cluster === 'eu')!;
      expect(eu).toMatchObject({
        state: 'paused',
        stepIndex: 1,
        weight: 10,
        pauseReason: 'CanaryPauseStep',
        aborted: false,
      });
      expect(eu.pausedSince).toBeDefined();
      expect(eu.steps.map(s => s.status)).toEqual([
        'done',
        'current',
        'pending',
        'pending',
        'pending',
      ]);
      const [stable, canary] = eu.groups;
      expect(stable).toMatchObject({ role: 'stable', hash: eu.stableHash });
      expect(canary).toMatchObject({ role: 'canary', hash: eu.podHash });
      expect(canary.pods).toBe(Math.ceil(eu.desired * 0.1));
      expect(stable.pods).toBe(eu.desired - canary.pods);
      expect(eu.signals[0]).toMatch(/^stable \d+\/\d+ Ready/);
      expect(eu.signals[1]).toBe(
        `canary ${canary.pods}/${canary.pods} Ready, 0 restarts`,
      );
      expect(eu.expected).toEqual({
        stepIndex: 1,
        podHash: eu.podHash,
        aborted: false,
      });
      expect(eu.actions.promote.allowed).toBe(true);
      expect(eu.actions.retry.allowed).toBe(false);
    });

    it('previews a promote: the step it goes to and the status patch kubectl argo rollouts sends', async () => {
      const res = await post('/operations/rollout/preview', {
        entityRef: CONTENT_API,
        action: 'promote',
        clusters: ['us'],
      });
      expect(res.status).toBe(200);
      const preview: RolloutPreview = res.body;
      expect(preview).toMatchObject({
        kind: 'rollout-promote',
        container: 'content-api',
        approvalsRequired: 0,
      });
      expect(preview.regions[0]).toMatchObject({
        cluster: 'us',
        availability: { allowed: true },
        effect:
          'from step 1 (pause until promoted, 10%) to step 3 (pause until promoted, 50%)',
        patches: [
          { target: 'status', body: { status: { pauseConditions: null } } },
        ],
      });
      expect(preview.warnings).toContain(
        'us: the strategy runs no analysis; only pod health and restarts gate the wave',
      );
    });

    it.each([
      ['no body', undefined, /entityRef is required/],
      [
        'an unknown action',
        { entityRef: CONTENT_API, action: 'skip', clusters: ['us'] },
        /action/,
      ],
      [
        'no regions',
        { entityRef: CONTENT_API, action: 'abort', clusters: [] },
        /at least one region/,
      ],
      [
        'a repeated region',
        { entityRef: CONTENT_API, action: 'abort', clusters: ['us', 'us'] },
        /must not repeat/,
      ],
      [
        'an unknown cluster',
        {
          entityRef: CONTENT_API,
          action: 'abort',
          clusters: ['mars'],
          reason: 'the canary burns, abort it',
        },
        /cluster mars is not configured/,
      ],
      [
        'a promote without what was seen',
        {
          entityRef: CONTENT_API,
          action: 'promote',
          clusters: ['us'],
          reason: 'the canary looks fine',
          confirm: 'content-api',
        },
        /needs what you saw of us/,
      ],
      [
        'a negative step',
        {
          entityRef: CONTENT_API,
          action: 'promote',
          clusters: ['us'],
          expected: { us: { stepIndex: -1, podHash: 'abc' } },
          reason: 'the canary looks fine',
          confirm: 'content-api',
        },
        /stepIndex must be at least 0/,
      ],
      [
        'an expectation for another region',
        {
          entityRef: CONTENT_API,
          action: 'abort',
          clusters: ['us'],
          expected: { eu: { podHash: 'abc' } },
          reason: 'the canary burns, abort it',
        },
        /eu is not one of the clusters/,
      ],
      [
        'a short reason',
        {
          entityRef: CONTENT_API,
          action: 'abort',
          clusters: ['us'],
          reason: 'x',
        },
        /at least 10 characters/,
      ],
      [
        'an unknown field',
        {
          entityRef: CONTENT_API,
          action: 'abort',
          clusters: ['us'],
          reason: 'the canary burns, abort it',
          force: true,
        },
        /force/,
      ],
      [
        'a wrong confirmation',
        {
          entityRef: CONTENT_API,
          action: 'retry',
          clusters: ['us'],
          reason: 'try the release again',
          confirm: 'content-worker',
        },
        /confirm must be the target's name/,
      ],
      [
        'a container that is not a rollout',
        {
          entityRef: 'component:default/content-builder',
          action: 'abort',
          clusters: ['us'],
          reason: 'the canary burns, abort it',
        },
        /not an Argo Rollout/,
      ],
    ])(
      'answers 400 to %s and changes nothing',
      async (_name, body, message) => {
        const before = rollout('us').metadata.resourceVersion;
        const res = await post('/operations/rollout', body);
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(message);
        expect(rollout('us').status.abort).toBeUndefined();
        expect((await region('us')).stepIndex).toBe(1);
        expect(before).toBeDefined();
      },
    );

    it('answers 400 to malformed JSON', async () => {
      const res = await request(backend.server)
        .post('/api/service-ops/operations/rollout')
        .set('Authorization', as(ONCALL))
        .set('Content-Type', 'application/json')
        .send('{"entityRef": ');
      expect(res.status).toBe(400);
    });

    it('refuses actions to someone without the permission, and nothing happens', async () => {
      const seen = await view();
      for (const act of ['promote', 'abort']) {
        const res = await post(
          '/operations/rollout',
          action(act, ['us'], seen),
          READER,
        );
        expect(res.status).toBe(403);
        expect(res.body.error.message).toMatch(
          new RegExp(`may not ${act} the rollout`),
        );
      }
      expect(rollout('us').status.currentStepIndex).toBe(1);
      expect(rollout('us').status.abort).toBeUndefined();
    });

    it('offers the view, the preview and the start as actions, guarded alike', async () => {
      const seen = await actions.invoke({
        id: 'test:get-rollout',
        input: { entityRef: CONTENT_API },
        credentials: mockCredentials.user(READER),
      });
      expect(seen.output).toMatchObject({
        rollout: { container: 'content-api' },
      });
      const preview = await actions.invoke({
        id: 'test:preview-rollout-action',
        input: { entityRef: CONTENT_API, action: 'abort', clusters: ['us'] },
        credentials: mockCredentials.user(READER),
      });
      expect(preview.output).toMatchObject({
        preview: { kind: 'rollout-abort', regions: [{ cluster: 'us' }] },
      });
      await expect(
        actions.invoke({
          id: 'test:start-rollout-action',
          input: {
            entityRef: CONTENT_API,
            action: 'abort',
            clusters: ['us'],
            reason: 'an agent thinks the canary burns',
          },
          credentials: mockCredentials.user(READER),
        }),
      ).rejects.toThrow(/may not abort the rollout/);
      await expect(
        actions.invoke({
          id: 'test:start-rollout-action',
          input: {
            entityRef: CONTENT_API,
            action: 'promote',
            clusters: ['us'],
            reason: 'an agent thinks the canary is fine',
            confirm: 'content-api',
          },
          credentials: mockCredentials.user(ONCALL),
        }),
      ).rejects.toThrow(/needs what you saw of us/);
      expect(rollout('us').status.abort).toBeUndefined();
      expect(rollout('us').status.currentStepIndex).toBe(1);
    });

    it('promotes one region to the next step; a promote of the step seen before is refused with what changed', async () => {
      const seen = await view();
      const res = await post(
        '/operations/rollout',
        action('promote', ['us'], seen),
      );
      expect(res.status).toBe(201);
      const done = await finished(res.body.id);
      expect(done).toMatchObject({ state: 'succeeded' });
      expect(done.steps[0]).toMatchObject({
        id: 'promote:us',
        status: 'succeeded',
        detail: expect.stringMatching(/^at step 3 \(50%\)/),
      });
      const us = await region('us');
      expect(us).toMatchObject({ stepIndex: 3, weight: 50, state: 'paused' });
      const hash = us.podHash!;
      expect(podsOf('us', hash)).toHaveLength(Math.ceil(us.desired * 0.5));
      // The other regions did not move.
      expect((await region('eu')).stepIndex).toBe(1);

      const stale = await post(
        '/operations/rollout',
        action('promote', ['us'], seen),
      );
      expect(stale.status).toBe(409);
      expect(stale.body.error.message).toBe(
        'the rollout moved since you looked, nothing was done: us: the rollout moved from step 1 (pause until promoted, 10%) to step 3 (pause until promoted, 50%)',
      );
      expect((await region('us')).stepIndex).toBe(3);
    });

    it('of two concurrent promotes of the same step, exactly one goes through', async () => {
      const seen = await view();
      const body = action('promote', ['eu'], seen);
      const answers = await Promise.all([
        post('/operations/rollout', body),
        post('/operations/rollout', body, SECOND),
      ]);
      expect(answers.map(a => a.status).sort()).toEqual([201, 409]);
      const accepted = answers.find(a => a.status === 201)!;
      const refused = answers.find(a => a.status === 409)!;
      // Refused because the other one holds the region, or because it already moved it.
      expect(refused.body.error.message).toMatch(
        new RegExp(
          `operation ${accepted.body.id} \\(rollout-promote (of \\S+ )?in eu, asked by .*\\) is (pending|running)|the rollout moved since you looked, nothing was done: eu: the rollout moved from step 1`,
        ),
      );
      expect(await finished(accepted.body.id)).toMatchObject({
        state: 'succeeded',
      });
      // One step, not two.
      const eu = await region('eu');
      expect(eu.stepIndex).toBe(3);
      expect(rollout('eu').status.currentStepIndex).toBe(3);
    });

    it('aborts a region back to stable at 100% without an approval, and retries it', async () => {
      const seen = await view();
      const me = seen.regions.find(r => r.cluster === 'me')!;
      const res = await post('/operations/rollout', {
        entityRef: CONTENT_API,
        action: 'abort',
        clusters: ['me'],
        reason: 'canary errors in me: back to stable',
      });
      expect(res.status).toBe(201);
      expect(res.body.state).not.toBe('awaiting-approval');
      const done = await finished(res.body.id);
      expect(done).toMatchObject({ state: 'succeeded' });
      expect(done.steps[0].detail).toMatch(/^stable at 100%/);
      expect(rollout('me').status.abort).toBe(true);
      expect(rollout('me').status.canary.weights.stable.weight).toBe(100);
      expect(podsOf('me', me.podHash!)).toEqual([]);
      // At the rollout's size now: the autoscaler may have resized it since the view.
      expect(podsOf('me', me.stableHash!)).toHaveLength(
        rollout('me').spec.replicas,
      );
      const aborted = await region('me');
      expect(aborted).toMatchObject({ state: 'aborted', weight: 0 });
      expect(aborted.actions.promote.allowed).toBe(false);
      expect(aborted.actions.retry.allowed).toBe(true);

      const retry = await post(
        '/operations/rollout',
        action('retry', ['me'], await view()),
      );
      expect(retry.status).toBe(201);
      expect(await finished(retry.body.id)).toMatchObject({
        state: 'succeeded',
      });
      expect(await region('me')).toMatchObject({
        state: 'paused',
        stepIndex: 1,
        weight: 10,
        aborted: false,
      });
    });

    it('needs a second person to promote fully: not the requester, then it runs', async () => {
      const seen = await view();
      const res = await post(
        '/operations/rollout',
        action('promote-full', ['ap'], seen),
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        kind: 'rollout-promote-full',
        state: 'awaiting-approval',
        approval: { required: 1, approvals: [] },
      });
      const self = await post(`/operations/${res.body.id}/approve`, {});
      expect(self.status).toBe(403);
      const reader = await post(
        `/operations/${res.body.id}/approve`,
        {},
        READER,
      );
      expect(reader.status).toBe(403);
      // Nothing was sent while it waited.
      expect(rollout('ap').status.currentStepIndex).toBe(1);
      const approved = await post(
        `/operations/${res.body.id}/approve`,
        { comment: 'canary clean in ap for an hour' },
        SECOND,
      );
      expect(approved.status).toBe(200);
      expect(await finished(res.body.id)).toMatchObject({ state: 'succeeded' });
      const ap = await region('ap');
      expect(ap).toMatchObject({ state: 'completed' });
      expect(ap.stableHash).toBe(
        seen.regions.find(r => r.cluster === 'ap')!.podHash,
      );
    });

    it('an abort cancels the rollout operations waiting or running on its regions', async () => {
      const seen = await view();
      const full = await post(
        '/operations/rollout',
        action('promote-full', ['us'], seen),
      );
      expect(full.status).toBe(201);
      expect(full.body.state).toBe('awaiting-approval');
      // A promote of us now is refused: the full promote holds the region.
      const promote = await post(
        '/operations/rollout',
        action('promote', ['us'], seen),
        SECOND,
      );
      expect(promote.status).toBe(409);
      expect(promote.body.error.message).toMatch(
        new RegExp(`operation ${full.body.id} \\(rollout-promote-full in us`),
      );
      const abort = await post('/operations/rollout', {
        entityRef: CONTENT_API,
        action: 'abort',
        clusters: ['us'],
        reason: 'errors on the canary in us',
      });
      expect(abort.status).toBe(201);
      expect(await operation(full.body.id)).toMatchObject({
        state: 'cancelled',
        cancelRequestedBy: ONCALL,
      });
      expect(await finished(abort.body.id)).toMatchObject({
        state: 'succeeded',
      });
      expect(rollout('us').status.abort).toBe(true);
      const retry = await post(
        '/operations/rollout',
        action('retry', ['us'], await view()),
      );
      expect(await finished(retry.body.id)).toMatchObject({
        state: 'succeeded',
      });
    });

    it('runs a wave over four regions in order and halts where the canary degrades', async () => {
      fleet.release({
        container: 'content-api',
        version: '2026.12.2',
        crashLoop: ['me'],
      });
      const seen = await until(
        view,
        v =>
          v.regions.every(r => r.state === 'paused' && r.stepIndex === 1) &&
          pausedAt(1, ['us', 'eu', 'ap'])(v),
        'every region paused at step 1 of 2026.12.2',
      );
      const res = await post(
        '/operations/rollout',
        action('promote', ['us', 'eu', 'me', 'ap'], seen, {
          reason: 'release 2026.12.2: the 50% wave',
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body.cluster).toBe('us,eu,me,ap');
      const done = await finished(res.body.id);
      expect(done.state).toBe('failed');
      expect(done.error).toMatch(
        /^the wave stopped in me: the canary pods restarted \d+ times; not acted on: ap$/,
      );
      expect(done.steps.map(s => [s.id, s.status])).toEqual([
        ['promote:us', 'succeeded'],
        ['promote:eu', 'succeeded'],
        ['promote:me', 'failed'],
        ['promote:ap', 'skipped'],
      ]);
      const after = await view();
      expect(after.regions.map(r => [r.cluster, r.stepIndex])).toEqual([
        ['us', 3],
        ['eu', 3],
        ['me', 3],
        ['ap', 1],
      ]);
      // In order: each region was patched only after the one before reached its step.
      const finishedAt = (id: string) =>
        Date.parse(done.steps.find(s => s.id === id)!.finishedAt!);
      const startedAt = (id: string) =>
        Date.parse(done.steps.find(s => s.id === id)!.startedAt!);
      expect(startedAt('promote:eu')).toBeGreaterThanOrEqual(
        finishedAt('promote:us'),
      );
      expect(startedAt('promote:me')).toBeGreaterThanOrEqual(
        finishedAt('promote:eu'),
      );
    });

    it('runs the analysis step of each region and halts the wave where the analysis fails', async () => {
      // content-api's strategy gains an analysis before the 50% pause, in every region.
      for (const { cluster } of fleet.clusters) {
        const current = cluster.store
          .list(ROLLOUT)
          .find(o => o.metadata.name === 'content-api')!;
        const next = structuredClone(current);
        next.spec.strategy.canary.steps = [
          { setWeight: 10 },
          { pause: {} },
          { setWeight: 50 },
          { analysis: { templates: [{ templateName: 'canary-health' }] } },
          { pause: {} },
          { setWeight: 100 },
        ];
        cluster.store.update(ROLLOUT, next);
      }
      fleet.release({ container: 'content-api', version: '2026.12.3' });
      const seen = await until(
        view,
        pausedAt(1, ['us', 'eu', 'me', 'ap']),
        'every region paused at step 1 of 2026.12.3',
      );
      const ap = seen.regions.find(r => r.cluster === 'ap')!;
      expect(ap.analysis).toEqual({ declared: true, runs: [] });
      expect(ap.steps[3].title).toBe('analysis: canary-health');
      // ap's metric provider has its verdict ready: the success rate is too low.
      const apCluster = fleet.clusters.find(c => c.region === 'ap')!.cluster;
      apCluster.store.create(
        typeOfKind('argoproj.io/v1alpha1', 'AnalysisRun')!,
        {
          metadata: {
            name: `content-api-${ap.podHash}-3`,
            namespace: 'content',
          },
          spec: { metrics: [{ name: 'success-rate' }] },
          status: { phase: 'Failed', message: 'success-rate 0.91 < 0.99' },
        },
      );
      const res = await post(
        '/operations/rollout',
        action('promote', ['us', 'eu', 'ap'], seen, {
          reason: 'release 2026.12.3: the 50% wave with analysis',
        }),
      );
      expect(res.status).toBe(201);
      const done = await finished(res.body.id);
      expect(done).toMatchObject({
        state: 'failed',
        error: `the wave stopped in ap: analysis content-api-${ap.podHash}-3 failed: success-rate 0.91 < 0.99`,
      });
      expect(done.steps.map(s => s.status)).toEqual([
        'succeeded',
        'succeeded',
        'failed',
      ]);
      const after = await view();
      const regionOf = (c: string) => after.regions.find(r => r.cluster === c)!;
      // us and eu passed their analysis and wait at 50%.
      expect(regionOf('us')).toMatchObject({ stepIndex: 4, weight: 50 });
      expect(regionOf('eu')).toMatchObject({ stepIndex: 4, weight: 50 });
      // Argo aborts a rollout whose analysis failed: ap is back on stable.
      expect(regionOf('ap')).toMatchObject({ state: 'aborted', weight: 0 });
      expect(regionOf('ap').analysis.runs).toEqual([
        {
          kind: 'step',
          name: `content-api-${ap.podHash}-3`,
          status: 'Failed',
          message: 'success-rate 0.91 < 0.99',
        },
      ]);
      expect(regionOf('me').stepIndex).toBe(1);
    });

    it('switches blue/green authoring-api: preview then active, and aborts another region', async () => {
      fleet.release({ container: 'authoring-api', version: '2026.12.1' });
      const seen = await until(
        () => view(AUTHORING_API),
        v =>
          v.regions.length === 4 &&
          v.regions.every(
            r =>
              r.state === 'paused' &&
              (r.groups.find(g => g.role === 'preview')?.ready ?? 0) >=
                r.desired,
          ),
        'every region paused with its preview ready',
      );
      const us = seen.regions.find(r => r.cluster === 'us')!;
      expect(us).toMatchObject({
        strategy: 'blueGreen',
        pauseReason: 'BlueGreenPause',
        steps: [],
      });
      expect(us.groups.map(g => g.role)).toEqual(['active', 'preview']);
      const promote = await post('/operations/rollout', {
        ...action('promote', ['us'], seen),
        confirm: 'authoring-api',
      });
      expect(promote.status).toBe(201);
      expect(await finished(promote.body.id)).toMatchObject({
        state: 'succeeded',
      });
      const promoted = await region('us', AUTHORING_API);
      expect(promoted.stableHash).toBe(us.podHash);
      expect(
        rollout('us', 'authoring-api').status.blueGreen.activeSelector,
      ).toBe(us.podHash);

      const abort = await post('/operations/rollout', {
        entityRef: AUTHORING_API,
        action: 'abort',
        clusters: ['eu'],
        reason: 'preview fails smoke tests in eu',
      });
      expect(abort.status).toBe(201);
      expect(await finished(abort.body.id)).toMatchObject({
        state: 'succeeded',
      });
      const eu = seen.regions.find(r => r.cluster === 'eu')!;
      expect(podsOf('eu', eu.podHash!, 'authoring-api')).toEqual([]);
      expect(
        rollout('eu', 'authoring-api').status.blueGreen.activeSelector,
      ).toBe(eu.stableHash);
    });
  },
);
