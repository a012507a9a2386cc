import knexFactory, { Knex } from 'knex';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { ManualClock } from '@internal/k8s-emulator';
import { findRepoRoot, Fleet } from '@internal/sandbox-fleet';
import { fleetEntities } from '../__testUtils__/fleetEntities';
import { readClusters } from '../config/readClusters';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import { KubernetesLiveState } from '../kubernetes/KubernetesLiveState';
import { DatabaseOperationStore } from './DatabaseOperationStore';
import { OperationExecutor } from './OperationExecutor';
import { DEFAULT_ROLLOUT_SETTINGS } from './readRolloutSettings';
import { RolloutHandler } from './RolloutHandler';
import { RolloutOperations } from './RolloutOperations';
import { ROLLOUT_ACTIONS } from '@internal/backstage-plugin-service-ops-common';

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
    let clock: ManualClock;
    let fleet: Fleet;
    let ticker: NodeJS.Timeout;
    const knexes: Knex[] = [];

    async function startBackend(knex: Knex) {
      const database: DatabaseService = { getClient: async () => knex };
      const store = await DatabaseOperationStore.create(database);
      const clusters = readClusters(
        new ConfigReader({ kubernetes: fleet.kubernetesConfig() }),
      );
      const liveState = await KubernetesLiveState.create({
        clusters,
        logger,
        metricsIntervalMs: 3_600_000,
      });
      const kubernetes = new FaultyKubernetes(clusters);
      const executor = new OperationExecutor({
        store,
        handlers: ROLLOUT_ACTIONS.map(
          action =>
            new RolloutHandler(action, { liveState, kubernetes, settings }),
        ),
        logger,
        leaseMs: 1500,
        pollMs: 100,
      });
      const rollouts = new RolloutOperations({
        catalog: catalogServiceMock({
          entities: fleetEntities(findRepoRoot(__dirname)),
        }),
        permissions: {
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
          authorizeConditional: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        },
        store,
        executor,
        kubernetes,
        liveState,
        settings,
      });
      executor.start();
      return {
        rollouts,
        store,
        kubernetes,
        stop: async (crashed: boolean) => {
          if (crashed) void executor.stop();
          else await executor.stop();
          await liveState.stop();
        },
      };
    }

    /** A second pool on the same database, as a second backend replica has. */
    function secondPool(knex: Knex): Knex {
      if (knex.client.config.client !== 'pg') return knex;
      const other = knexFactory({
        client: 'pg',
        connection: knex.client.config.connection,
        pool: { min: 0, max: 5 },
      });
      knexes.push(other);
      return other;
    }

    /** The status patches content-api's rollout got in a region. */
    const statusPatches = (region: string) =>
      fleet.clusters
        .find(c => c.region === region)!
        .cluster.api.requests.get(
          'patch /apis/argoproj.io/v1alpha1/namespaces/content/rollouts/content-api/status',
        ) ?? 0;

    beforeAll(async () => {
      clock = new ManualClock(Date.UTC(2026, 10, 22, 11, 0, 0));
      fleet = await Fleet.start({ clock, seed: 11 });
      ticker = setInterval(() => {
        clock.advance(2_000);
        fleet.step();
      }, 50);
    });

    afterAll(async () => {
      clearInterval(ticker);
      await fleet?.stop();
      await Promise.all(knexes.map(k => k.destroy()));
    });

    it('is taken over after the first region was patched, and never promotes a region twice', async () => {
      const knex = await databases.init(id);
      const first = await startBackend(knex);
      const credentials = mockCredentials.user('user:default/sam.oncall');
      fleet.release({ container: 'content-api', version: '2026.12.1' });
      const deadline = Date.now() + 60_000;
      let seen = await first.rollouts.view(CONTENT_API, credentials);
      while (
        !seen.regions.every(
          r =>
            r.state === 'paused' &&
            r.stepIndex === 1 &&
            r.groups[1]?.ready === r.groups[1]?.pods,
        )
      ) {
        if (Date.now() > deadline) throw new Error('never paused at step 1');
        await new Promise(r => setTimeout(r, 100));
        seen = await first.rollouts.view(CONTENT_API, credentials);
      }
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
      const died = Date.now() + 60_000;
      while (statusPatches('eu') === 0) {
        if (Date.now() > died) throw new Error('eu was never patched');
        await new Promise(r => setTimeout(r, 50));
      }
      await first.stop(true);
      const second = await startBackend(secondPool(knex));
      const end = Date.now() + 120_000;
      let done = await second.store.get(operation.id);
      while (!['succeeded', 'failed', 'cancelled'].includes(done!.state)) {
        if (Date.now() > end)
          throw new Error(`did not end: ${JSON.stringify(done?.steps)}`);
        await new Promise(r => setTimeout(r, 100));
        done = await second.store.get(operation.id);
      }
      expect(done).toMatchObject({ state: 'succeeded' });
      expect(done!.steps.find(s => s.id === 'promote:eu')?.detail).toMatch(
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
