import knexFactory, { Knex } from 'knex';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  coreServices,
  createServiceFactory,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { connect, Msg } from '@nats-io/transport-node';
import {
  isFinalOperationState,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import { ManualClock, typeOfKind } from '@internal/k8s-emulator';
import { findRepoRoot, Fleet } from '@internal/sandbox-fleet';
import { startNatsServer } from '@internal/sandbox-nats';
import { readClusters } from '../config/readClusters';
import { KubernetesLiveState } from '../kubernetes/KubernetesLiveState';
import { DatabaseOperationStore } from '../operations/DatabaseOperationStore';
import {
  OperationExecutor,
  OperationHandler,
} from '../operations/OperationExecutor';
import { serviceOpsPlugin } from '../plugin';
import { fleetEntities } from './fleetEntities';

/*
 * The setup the tests against the sandbox fleet share: the fleet on a manual clock, its
 * controllers kept running, the plugin's backend (or one replica of its operations
 * engine) on it, a real nats-server with a listener on eu's collab pods, and polling.
 */

const POD = typeOfKind('v1', 'Pod')!;
const isCollab = (labels?: Record<string, string>) =>
  labels?.['backstage.io/kubernetes-id'] === 'authoring-collab';

/**
 * Waits until `accept` takes what `read` reads (every `intervalMs`), and returns it;
 * after `timeoutMs` it throws with `what` and the last value read.
 */
export async function until<T>(
  read: () => Promise<T> | T,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 90_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(value)}`,
      );
    await new Promise(resolve => setTimeout(resolve, intervalMs));
    value = await read();
  }
  return value;
}

/**
 * Runs controllers on: every `everyMs` real milliseconds, `advanceMs()` simulated ones
 * and one `step()`. Returns what stops it.
 */
export function keepStepping(options: {
  clock: ManualClock;
  step: () => void;
  everyMs: number;
  advanceMs: () => number;
}): () => void {
  const ticker = setInterval(() => {
    options.clock.advance(options.advanceMs());
    options.step();
  }, options.everyMs);
  return () => clearInterval(ticker);
}

/**
 * The sandbox fleet on a manual clock, `warmupSeconds` simulated seconds in; `run()`
 * keeps all its controllers running (2 simulated seconds every 50 ms) until the
 * function it returns is called.
 */
export async function startSandboxFleet(options: {
  seed: number;
  warmupSeconds: number;
}) {
  const clock = new ManualClock(Date.UTC(2026, 10, 22, 11, 0, 0));
  const fleet = await Fleet.start({ clock, seed: options.seed });
  for (let s = 0; s < options.warmupSeconds; s += 15) {
    clock.advance(15_000);
    fleet.step();
  }
  return {
    clock,
    fleet,
    run: () =>
      keepStepping({
        clock,
        step: () => fleet.step(),
        everyMs: 50,
        advanceMs: () => 2_000,
      }),
  };
}

/**
 * The sandbox fleet on a manual clock, two simulated minutes in, with the names of the
 * authoring-collab pods deleted in eu recorded as they go (evictions delete pods).
 */
export async function startCollabFleet(seed: number) {
  const { clock, fleet } = await startSandboxFleet({
    seed,
    warmupSeconds: 120,
  });
  const eu = fleet.clusters.find(c => c.region === 'eu')!;
  const deleted: string[] = [];
  eu.cluster.store.watch(POD, eu.cluster.store.resourceVersion, event => {
    if (event.type === 'DELETED' && isCollab(event.object.metadata.labels))
      deleted.push(String(event.object.metadata.name));
  });
  return {
    clock,
    fleet,
    eu,
    /** Names of the collab pods eu deleted, in order. */
    deleted,
    /** The collab pods eu runs now (not being deleted), sorted. */
    collabPods: () =>
      eu.cluster.store
        .list(POD, 'authoring')
        .filter(
          p => isCollab(p.metadata.labels) && !p.metadata.deletionTimestamp,
        )
        .map(p => String(p.metadata.name))
        .sort(),
  };
}

/**
 * A real nats-server, and a connection subscribed to what the portal sends eu's collab
 * pods (`authoring.collab.v1.eu.<pod>.drain` and `.drain-cancel`), each message given to
 * `onMessage`.
 */
export async function startCollabNats(onMessage: (message: Msg) => void) {
  const nats = await startNatsServer();
  const collab = await connect({ servers: nats.url });
  collab.subscribe('authoring.collab.v1.eu.*.*', {
    callback: (_error, message) => onMessage(message),
  });
  await collab.flush();
  return {
    nats,
    async stop() {
      await collab.close();
      await nats.stop();
    },
  };
}

/**
 * The service-ops backend (`startTestBackend`) on the fleet: its catalog holds the
 * fleet's entities, `allows(permission, user)` decides each permission (by its name),
 * `knex` is its database (SQLite in memory otherwise), `onSignal` sees each signal's
 * channel.
 */
export function startFleetBackend(options: {
  fleet: Fleet;
  serviceOps: JsonObject;
  allows: (permission: string, user: string) => boolean;
  actions: ReturnType<typeof actionsRegistryServiceMock>;
  knex?: Knex;
  onSignal?: (channel: string) => void;
}) {
  const { fleet, allows, actions, knex, onSignal } = options;
  return startTestBackend({
    features: [
      serviceOpsPlugin,
      ...(knex ? [mockServices.database.factory({ knex })] : []),
      catalogServiceMock.factory({
        entities: fleetEntities(findRepoRoot(__dirname)),
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          kubernetes: fleet.kubernetesConfig(),
          serviceOps: options.serviceOps,
        },
      }),
      createServiceFactory({
        service: coreServices.permissions,
        deps: {},
        factory: () => ({
          authorize: async (requests: any[], o: any) =>
            requests.map(r => ({
              result: allows(
                r.permission.name,
                o.credentials.principal.userEntityRef,
              )
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
            })),
          authorizeConditional: async (requests: any[]) =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        }),
      }),
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => actions,
      }),
      createServiceFactory({
        service: signalsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (signal: { channel: string }) => {
            onSignal?.(signal.channel);
          },
        }),
      }),
    ],
  });
}

/**
 * Requests to the service-ops API of the backend `server()` returns (read when a
 * request is made, so they can be set up before it starts), as `user` by default.
 */
export function serviceOpsRequests(
  server: () => Parameters<typeof request>[0],
  user: string,
) {
  const as = (who: string) => mockCredentials.user.header(who);
  const post = (path: string, body: unknown, who = user) =>
    request(server())
      .post(`/api/service-ops${path}`)
      .set('Authorization', as(who))
      .send(body as object);
  const get = (path: string, query: Record<string, string> = {}) =>
    request(server())
      .get(`/api/service-ops${path}`)
      .query(query)
      .set('Authorization', as(user));
  const operation = (id: string) =>
    get(`/operations/${id}`).then(r => r.body as Operation);
  /** The operation once it is final. */
  const finished = (id: string) =>
    until(
      () => operation(id),
      o => isFinalOperationState(o.state),
      `operation ${id} to end`,
    );
  return { as, post, get, operation, finished };
}

/** The operation once it is final, read from the store (two minutes at the most). */
export async function finishedInStore(
  store: DatabaseOperationStore,
  id: string,
) {
  const operation = await until(
    () => store.get(id),
    o => !!o && isFinalOperationState(o.state),
    `operation ${id} to end`,
    120_000,
  );
  return operation!;
}

const ALLOW_ALL: PermissionsService = {
  authorize: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
};

/**
 * One replica of the operations engine on `knex` and the fleet, as a faults test builds
 * it: the store, the fleet's clusters and their live state, the catalog of its
 * entities, permissions that allow everything, and `startExecutor(handlers)` (1.5 s
 * leases). `stop(crashed)` stops it; a crashed replica's operation in hand never
 * finishes, so it is not waited for.
 */
export async function startReplica(options: {
  knex: Knex;
  fleet: Fleet;
  logger: LoggerService;
}) {
  const { knex, fleet, logger } = options;
  const store = await DatabaseOperationStore.create({
    getClient: async () => knex,
  });
  const clusters = readClusters(
    new ConfigReader({ kubernetes: fleet.kubernetesConfig() }),
  );
  const liveState = await KubernetesLiveState.create({
    clusters,
    logger,
    metricsIntervalMs: 3_600_000,
  });
  let executor: OperationExecutor | undefined;
  return {
    store,
    clusters,
    liveState,
    catalog: catalogServiceMock({
      entities: fleetEntities(findRepoRoot(__dirname)),
    }),
    permissions: ALLOW_ALL,
    startExecutor(handlers: OperationHandler[]) {
      executor = new OperationExecutor({
        store,
        handlers,
        logger,
        leaseMs: 1500,
        pollMs: 100,
      });
      executor.start();
      return executor;
    },
    async stop(crashed = false) {
      if (crashed) void executor?.stop();
      else await executor?.stop();
      await liveState.stop();
    },
  };
}

/**
 * A second pool on the same database, as a second backend replica has (on SQLite, the
 * same one); kept in `pools` to be destroyed.
 */
export function secondPool(knex: Knex, pools: Knex[]): Knex {
  if (knex.client.config.client !== 'pg') return knex;
  const other = knexFactory({
    client: 'pg',
    connection: knex.client.config.connection,
    pool: { min: 0, max: 5 },
  });
  pools.push(other);
  return other;
}
