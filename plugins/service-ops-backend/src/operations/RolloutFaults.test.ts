import { Knex } from 'knex';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Fleet } from '@internal/sandbox-fleet';
import { ROLLOUT_ACTIONS } from '@internal/backstage-plugin-service-ops-common';
import {
  finishedInStore,
  secondPool,
  startReplica,
  startSandboxFleet,
  until,
} from '../__testUtils__/collabFleet';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import { DEFAULT_ROLLOUT_SETTINGS } from './readRolloutSettings';
import { RolloutHandler } from './RolloutHandler';
import { RolloutOperations } from './RolloutOperations';

jest.setTimeout(240_000);

// Two backends share one database: on PostgreSQL through two connection pools, on SQLite
// through one.
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const logger = mockServices.logger.mock();
const CONTENT_API = 'component:default/content-api';
const settings = { ...DEFAULT_ROLLOUT_SETTINGS, pollSeconds: 0.2 };

/** The rollout patches as one backend sends them; `hangAfterPatch` plays a crash. */
class FaultyKubernetes extends KubernetesActions {
  hangAfterPatch?: string;
  async patchRollout(
    options: Parameters<KubernetesActions['patchRollout']>[0],
  ) {
    const result = await super.patchRollout(options);
    // The process dies right after the API server took the patch, before it could
    // record that it did.
    if (this.hangAfterPatch === options.cluster)
      await new Promise<never>(() => {});
    return result;
  }
}

describe.each(databases.eachSupportedId())(
  'a rollout wave when its backend dies mid-way on %s',
  (id: TestDatabaseId) => {
    let fleet: Fleet;
    let stopTicker: () => void;
    const knexes: Knex[] = [];

    async function startBackend(knex: Knex) {
      const replica = await startReplica({ knex, fleet, logger });
      const { liveState } = replica;
      const kubernetes = new FaultyKubernetes(replica.clusters);
      const executor = replica.startExecutor(
        ROLLOUT_ACTIONS.map(
          action =>
            new RolloutHandler(action, { liveState, kubernetes, settings }),
        ),
      );
      const rollouts = new RolloutOperations({
        catalog: replica.catalog,
        permissions: replica.permissions,
        store: replica.store,
        executor,
        kubernetes,
        liveState,
        settings,
      });
      return {
        rollouts,
        store: replica.store,
        kubernetes,
        stop: replica.stop,
      };
    }

    /** The status patches content-api's rollout got in a region. */
    const statusPatches = (region: string) =>
      fleet.clusters
        .find(c => c.region === region)!
        .cluster.api.requests.get(
          'patch /apis/argoproj.io/v1alpha1/namespaces/content/rollouts/content-api/status',
        ) ?? 0;

    beforeAll(async () => {
      const sandbox = await startSandboxFleet({ seed: 11, warmupSeconds: 0 });
      fleet = sandbox.fleet;
      stopTicker = sandbox.run();
    });

    afterAll(async () => {
      stopTicker();
      await fleet?.stop();
      await Promise.all(knexes.map(k => k.destroy()));
    });

    it('is taken over after the first region was patched, and never promotes a region twice', async () => {
      const knex = await databases.init(id);
      const first = await startBackend(knex);
      const credentials = mockCredentials.user('user:default/sam.oncall');
      fleet.release({ container: 'content-api', version: '2026.12.1' });
      const seen = await until(
        () => first.rollouts.view(CONTENT_API, credentials),
        v =>
          v.regions.every(
            r =>
              r.state === 'paused' &&
              r.stepIndex === 1 &&
              r.groups[1]?.ready === r.groups[1]?.pods,
          ),
        'every region paused at step 1',
        60_000,
      );
      for (const c of fleet.clusters) c.cluster.api.resetCounters();
      first.kubernetes.hangAfterPatch = 'eu';
      const { operation } = await first.rollouts.create(
        {
          entityRef: CONTENT_API,
          action: 'promote',
          clusters: ['us', 'eu', 'ap'],
          expected: Object.fromEntries(
            seen.regions.map(r => [r.cluster, r.expected]),
          ),
          reason: 'the 50% wave, under a crash',
          confirm: 'content-api',
        },
        'user:default/sam.oncall',
        credentials,
      );
      // The first backend dies once eu's patch went through.
      await until(
        () => statusPatches('eu'),
        patches => patches > 0,
        "eu's patch",
        60_000,
        50,
      );
      await first.stop(true);
      const second = await startBackend(secondPool(knex, knexes));
      const done = await finishedInStore(second.store, operation.id);
      expect(done).toMatchObject({ state: 'succeeded' });
      expect(done.steps.find(s => s.id === 'promote:eu')?.detail).toMatch(
        /^at step 3 \(50%\)/,
      );
      // Patches reached us, eu and ap (a 409 from a controller's write in between is read
      // again and sent again, so there may be more than one each), never me.
      expect(['us', 'eu', 'ap'].map(statusPatches).every(n => n >= 1)).toBe(
        true,
      );
      expect(statusPatches('me')).toBe(0);
      // One promote per region: eu, promoted before the crash, was not promoted again
      // by the backend that took over (it would be at the end, 100%, now).
      const after = await second.rollouts.view(CONTENT_API, credentials);
      expect(after.regions.map(r => [r.cluster, r.stepIndex])).toEqual([
        ['us', 3],
        ['eu', 3],
        ['me', 1],
        ['ap', 3],
      ]);
      await second.stop(false);
    });
  },
);
