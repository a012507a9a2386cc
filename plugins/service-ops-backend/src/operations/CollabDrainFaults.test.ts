import { Knex } from 'knex';
import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { typeOfKind } from '@internal/k8s-emulator';
import {
  finishedInStore,
  keepStepping,
  secondPool,
  startCollabFleet,
  startCollabNats,
  startReplica,
  until,
} from '../__testUtils__/collabFleet';
import { JetStreamConnection } from '../backlog/JetStreamConnection';
import type { TestNatsServer } from '@internal/sandbox-nats';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import {
  CollabDrainHandler,
  DEFAULT_COLLAB_DRAIN_SETTINGS,
} from './CollabDrainHandler';
import { CollabDrainNotices } from './CollabDrainNotices';
import { CollabDrainOperations } from './CollabDrainOperations';
import { DatabaseOperationStore } from './DatabaseOperationStore';
import { OperationExecutor } from './OperationExecutor';

jest.setTimeout(240_000);

// Two backends share one database: on PostgreSQL (where scripts/postgres.sh provided
// one) through two connection pools, on SQLite through one.
const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_18', 'POSTGRES_17', 'POSTGRES_16', 'POSTGRES_15'],
});
const logger = mockServices.logger.mock();
const COLLAB = 'component:default/authoring-collab';
const ONCALL = 'user:default/sam.oncall';
const settings = {
  ...DEFAULT_COLLAB_DRAIN_SETTINGS,
  pollSeconds: 0.2,
  reconnectTimeoutSeconds: 10,
  evictionBackoffSeconds: { initial: 0.2, max: 1 },
};

/**
 * The Eviction API as one backend sees it, counting every eviction it asks for (a second
 * request for a pod would count even where the pod is already gone);
 * `hangAfterEviction` plays a crash.
 */
class FaultyKubernetes extends KubernetesActions {
  /** The pod of every eviction request (not dry-run), whatever the answer. */
  readonly requested: string[] = [];
  hangAfterEviction = false;
  get evictions() {
    return this.requested.length;
  }
  async evict(options: Parameters<KubernetesActions['evict']>[0]) {
    if (!options.dryRun) this.requested.push(options.pod);
    const result = await super.evict(options);
    // The process dies right after the API server evicted the pod, before it could
    // record that it did.
    if (
      !options.dryRun &&
      result.result === 'evicted' &&
      this.hangAfterEviction
    )
      await new Promise<never>(() => {});
    return result;
  }
}

interface TestBackend {
  drains: CollabDrainOperations;
  executor: OperationExecutor;
  kubernetes: FaultyKubernetes;
  store: DatabaseOperationStore;
  stop(options?: { crashed?: boolean }): Promise<void>;
}

describe.each(databases.eachSupportedId())(
  'the collab drain under faults on %s',
  (id: TestDatabaseId) => {
    let sandbox: Awaited<ReturnType<typeof startCollabFleet>>;
    let nats: TestNatsServer;
    let listener: Awaited<ReturnType<typeof startCollabNats>>;
    let stopTicker: () => void;
    let knexes: Knex[] = [];
    const eu = () => sandbox.eu;
    const pdbType = typeOfKind('policy/v1', 'PodDisruptionBudget')!;

    async function startBackend(knex: Knex): Promise<TestBackend> {
      const replica = await startReplica({
        knex,
        fleet: sandbox.fleet,
        logger,
      });
      const connection = JetStreamConnection.start({
        settings: { servers: [nats.url], name: 'drain-faults' },
        logger,
      });
      await connection.waitUntilConnected(10_000);
      const kubernetes = new FaultyKubernetes(replica.clusters);
      const handler = new CollabDrainHandler({
        liveState: replica.liveState,
        kubernetes,
        notices: new CollabDrainNotices(connection),
        settings,
      });
      const executor = replica.startExecutor([handler]);
      const drains = new CollabDrainOperations({
        catalog: replica.catalog,
        permissions: replica.permissions,
        store: replica.store,
        executor,
        handler,
        kubernetes,
        settings,
      });
      // Wait for the informers to have listed eu.
      await until(
        () => !!handler.region('eu', 'authoring-collab')?.workload,
        listed => listed,
        'eu to be listed',
        30_000,
      );
      return {
        drains,
        executor,
        kubernetes,
        store: replica.store,
        stop: async ({ crashed } = {}) => {
          await replica.stop(crashed);
          await connection.close();
        },
      };
    }

    const collabPods = () => sandbox.collabPods();

    const request = {
      entityRef: COLLAB,
      cluster: 'eu',
      reason: 'recreate the collab pods under faults',
      confirm: 'authoring-collab',
      noticeSeconds: 1,
    };
    const credentials = mockCredentials.user(ONCALL);

    beforeAll(async () => {
      sandbox = await startCollabFleet(7);
      // eu's collab pods accept each drain and each cancel, with no sessions.
      listener = await startCollabNats(message => {
        const body = message.json<{ pod: string; deadline?: string }>();
        message.respond(
          JSON.stringify(
            message.subject.endsWith('.drain')
              ? {
                  pod: body.pod,
                  accepted: true,
                  sessions: 0,
                  deadline: body.deadline,
                }
              : { pod: body.pod, cancelled: true, sessions: 0 },
          ),
        );
      });
      nats = listener.nats;
      // eu's controllers keep running: replacements start and become Ready.
      stopTicker = keepStepping({
        clock: sandbox.clock,
        step: () => eu().cluster.step(),
        everyMs: 100,
        advanceMs: () => 5_000,
      });
    });

    afterAll(async () => {
      stopTicker();
      await listener?.stop();
      await sandbox?.fleet.stop();
      await Promise.all(knexes.map(k => k.destroy()));
      knexes = [];
    });

    beforeEach(() => {
      sandbox.deleted.length = 0;
      eu().cluster.api.resetCounters();
    });

    /** Eviction requests of the collab pods as eu's API server counted them, by pod. */
    const evictionsOnTheEmulator = () => {
      const counts: Record<string, number> = {};
      for (const [key, count] of eu().cluster.api.requests) {
        const match =
          /^create \/api\/v1\/namespaces\/authoring\/pods\/(authoring-collab-[^/]+)\/eviction$/.exec(
            key,
          );
        if (match) counts[match[1]] = (counts[match[1]] ?? 0) + count;
      }
      return counts;
    };
    /** What the emulator should have counted: each request (starting a drain tries no dry run). */
    const expectedOnTheEmulator = (requested: string[]) => {
      const counts: Record<string, number> = {};
      for (const pod of requested) counts[pod] = (counts[pod] ?? 0) + 1;
      return counts;
    };

    it('evicts every pod once when two backends share the database', async () => {
      const knex = await databases.init(id);
      const one = await startBackend(knex);
      const two = await startBackend(secondPool(knex, knexes));
      try {
        const before = collabPods();
        const { operation } = await one.drains.create(
          request,
          ONCALL,
          credentials,
        );
        const done = await finishedInStore(one.store, operation.id);
        expect(done.state).toBe('succeeded');
        expect([...sandbox.deleted].sort()).toEqual(before);
        const requested = [
          ...one.kubernetes.requested,
          ...two.kubernetes.requested,
        ];
        expect([...requested].sort()).toEqual(before);
        expect(evictionsOnTheEmulator()).toEqual(
          expectedOnTheEmulator(requested),
        );
      } finally {
        await one.stop();
        await two.stop();
      }
    });

    it('resumes a drain whose backend died right after an eviction, without evicting that pod again', async () => {
      const knex = await databases.init(id);
      const dying = await startBackend(knex);
      dying.kubernetes.hangAfterEviction = true;
      const before = collabPods();
      const { operation } = await dying.drains.create(
        request,
        ONCALL,
        credentials,
      );
      // The first eviction happens, then that backend is gone for good.
      await until(
        () => dying.kubernetes.evictions,
        evictions => evictions > 0,
        'an eviction',
        60_000,
        50,
      );
      await dying.stop({ crashed: true });
      const fresh = await startBackend(secondPool(knex, knexes));
      try {
        const done = await finishedInStore(fresh.store, operation.id);
        expect(done.state).toBe('succeeded');
        expect([...sandbox.deleted].sort()).toEqual(before);
        // one request per pod over both lives of the drain
        expect(dying.kubernetes.requested).toHaveLength(1);
        const requested = [
          ...dying.kubernetes.requested,
          ...fresh.kubernetes.requested,
        ];
        expect([...requested].sort()).toEqual(before);
        expect(evictionsOnTheEmulator()).toEqual(
          expectedOnTheEmulator(requested),
        );
        const first = done.steps.find(s => s.id.startsWith('evict:'))!;
        expect(first.detail).toMatch(/replaced/);
      } finally {
        await fresh.stop();
      }
    });

    it('waits while the PodDisruptionBudget refuses (429) and continues once it allows', async () => {
      const knex = await databases.init(id);
      const backend = await startBackend(knex);
      const store = eu().cluster.store;
      const pdb = store.get(pdbType, 'authoring', 'authoring-collab')!;
      store.update(pdbType, {
        ...pdb,
        spec: { ...pdb.spec, maxUnavailable: 0 },
      });
      try {
        const { operation } = await backend.drains.create(
          request,
          ONCALL,
          credentials,
        );
        await until(
          () => backend.store.get(operation.id),
          current =>
            !!current?.steps.some(s =>
              /refused the eviction \(429, attempt 2\)/.test(s.detail ?? ''),
            ),
          'a 429',
          60_000,
        );
        expect(sandbox.deleted).toEqual([]);
        const latest = store.get(pdbType, 'authoring', 'authoring-collab')!;
        store.update(pdbType, {
          ...latest,
          spec: { ...latest.spec, maxUnavailable: 1 },
        });
        const done = await finishedInStore(backend.store, operation.id);
        expect(done.state).toBe('succeeded');
        expect(new Set(sandbox.deleted).size).toBe(sandbox.deleted.length);
        // the refused pod was asked for again; the others once each
        const requested = backend.kubernetes.requested;
        expect(new Set(requested).size).toBe(sandbox.deleted.length);
        expect(requested.length).toBeGreaterThan(sandbox.deleted.length);
      } finally {
        await backend.stop();
      }
    });
  },
);
