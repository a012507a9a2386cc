import knexFactory, { Knex } from 'knex';
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { connect, NatsConnection } from '@nats-io/transport-node';
import { mockCredentials } from '@backstage/backend-test-utils';
import { typeOfKind } from '@internal/k8s-emulator';
import { findRepoRoot } from '@internal/sandbox-fleet';
import { startCollabFleet } from '../__testUtils__/collabFleet';
import { JetStreamConnection } from '../backlog/JetStreamConnection';
import { startNatsServer, TestNatsServer } from '@internal/sandbox-nats';
import { readClusters } from '../config/readClusters';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import { KubernetesLiveState } from '../kubernetes/KubernetesLiveState';
import { fleetEntities } from '../__testUtils__/fleetEntities';
import {
  CollabDrainHandler,
  DEFAULT_COLLAB_DRAIN_SETTINGS,
} from './CollabDrainHandler';
import { CollabDrainNotices } from './CollabDrainNotices';
import { CollabDrainOperations } from './CollabDrainOperations';
import { DatabaseOperationStore } from './DatabaseOperationStore';
import { OperationExecutor } from './OperationExecutor';
import { ConfigReader } from '@backstage/config';

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
    let collab: NatsConnection;
    let ticker: NodeJS.Timeout;
    let knexes: Knex[] = [];
    const eu = () => sandbox.eu;
    const pdbType = typeOfKind('policy/v1', 'PodDisruptionBudget')!;

    async function startBackend(knex: Knex): Promise<TestBackend> {
      const database: DatabaseService = { getClient: async () => knex };
      const store = await DatabaseOperationStore.create(database);
      const clusters = readClusters(
        new ConfigReader({ kubernetes: sandbox.fleet.kubernetesConfig() }),
      );
      const liveState = await KubernetesLiveState.create({
        clusters,
        logger,
        metricsIntervalMs: 3_600_000,
      });
      const connection = JetStreamConnection.start({
        settings: { servers: [nats.url], name: 'drain-faults' },
        logger,
      });
      await connection.waitUntilConnected(10_000);
      const kubernetes = new FaultyKubernetes(clusters);
      const handler = new CollabDrainHandler({
        liveState,
        kubernetes,
        notices: new CollabDrainNotices(connection),
        settings,
      });
      const executor = new OperationExecutor({
        store,
        handlers: [handler],
        logger,
        leaseMs: 1500,
        pollMs: 100,
      });
      const drains = new CollabDrainOperations({
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
        handler,
        kubernetes,
        settings,
      });
      executor.start();
      // Wait for the informers to have listed eu.
      const deadline = Date.now() + 30_000;
      while (!handler.region('eu', 'authoring-collab')?.workload) {
        if (Date.now() > deadline) throw new Error('eu was never listed');
        await new Promise(r => setTimeout(r, 100));
      }
      return {
        drains,
        executor,
        kubernetes,
        store,
        stop: async ({ crashed } = {}) => {
          // A crashed backend's operation in hand never finishes: do not wait for it.
          if (crashed) void executor.stop();
          else await executor.stop();
          await liveState.stop();
          await connection.close();
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

    const collabPods = () => sandbox.collabPods();

    async function finished(store: DatabaseOperationStore, opId: string) {
      const deadline = Date.now() + 120_000;
      for (;;) {
        const operation = await store.get(opId);
        if (
          operation &&
          ['succeeded', 'failed', 'cancelled'].includes(operation.state)
        )
          return operation;
        if (Date.now() > deadline)
          throw new Error(
            `operation did not end: ${JSON.stringify(operation?.steps)}`,
          );
        await new Promise(r => setTimeout(r, 100));
      }
    }

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
      nats = await startNatsServer();
      collab = await connect({ servers: nats.url });
      collab.subscribe('authoring.collab.v1.eu.*.*', {
        callback: (_error, message) => {
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
        },
      });
      await collab.flush();
      // eu's controllers keep running: replacements start and become Ready.
      ticker = setInterval(() => {
        sandbox.clock.advance(5_000);
        eu().cluster.step();
      }, 100);
    });

    afterAll(async () => {
      clearInterval(ticker);
      await collab?.close();
      await nats?.stop();
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
      const two = await startBackend(secondPool(knex));
      try {
        const before = collabPods();
        const { operation } = await one.drains.create(
          request,
          ONCALL,
          credentials,
        );
        const done = await finished(one.store, operation.id);
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
      const deadline = Date.now() + 60_000;
      while (dying.kubernetes.evictions === 0) {
        if (Date.now() > deadline) throw new Error('no eviction happened');
        await new Promise(r => setTimeout(r, 50));
      }
      await dying.stop({ crashed: true });
      const fresh = await startBackend(secondPool(knex));
      try {
        const done = await finished(fresh.store, operation.id);
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
        const deadline = Date.now() + 60_000;
        for (;;) {
          const current = await backend.store.get(operation.id);
          const refused = current?.steps.find(s =>
            /refused the eviction \(429, attempt 2\)/.test(s.detail ?? ''),
          );
          if (refused) break;
          if (Date.now() > deadline)
            throw new Error(`no 429 seen: ${JSON.stringify(current?.steps)}`);
          await new Promise(r => setTimeout(r, 100));
        }
        expect(sandbox.deleted).toEqual([]);
        const latest = store.get(pdbType, 'authoring', 'authoring-collab')!;
        store.update(pdbType, {
          ...latest,
          spec: { ...latest.spec, maxUnavailable: 1 },
        });
        const done = await finished(backend.store, operation.id);
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
