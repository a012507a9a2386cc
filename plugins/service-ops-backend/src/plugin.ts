import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { serviceOpsPermissions } from '@internal/backstage-plugin-service-ops-common';
import { readClusters } from './config/readClusters';
import { KubernetesLiveState } from './kubernetes/KubernetesLiveState';
import { ScalingHistoryStore } from './history/ScalingHistoryStore';
import { ScalingSampler } from './history/ScalingSampler';
import { LiveStatePublisher } from './signals/LiveStatePublisher';
import { createRouter } from './router';
import { createBacklog, createBacklogRouter } from './backlog';
import { notificationService } from '@backstage/plugin-notifications-node';
import { createOperations } from './operations/createOperations';
import { createOperationsRouter } from './operations/router';
import { createKeys } from './keys/createKeys';
import { createKeysRouter } from './keys/router';
import { registerKeyActions } from './keys/registerKeyActions';
import { createRolloutRouter } from './operations/rolloutRouter';
import { registerRolloutActions } from './operations/registerRolloutActions';
import { registerOperationActions } from './operations/registerOperationActions';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';

/**
 * service-ops backend: live state of the services' workloads in every cluster, their
 * scaling history, and live push of changes; JetStream backlogs and the publish-saga
 * projection.
 *
 * @public
 */
export const serviceOpsPlugin = createBackendPlugin({
  pluginId: 'service-ops',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.lifecycle,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
        auditor: coreServices.auditor,
        notifications: notificationService,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        const { config, logger, lifecycle, httpRouter, scheduler } = deps;
        deps.permissionsRegistry.addPermissions(serviceOpsPermissions);
        const clusters = readClusters(config);
        if (clusters.length === 0) {
          logger.warn(
            'no kubernetes clusters configured (kubernetes.clusterLocatorMethods); live state is empty',
          );
        }
        const seconds = (key: string, fallback: number) =>
          (config.getOptionalNumber(key) ?? fallback) * 1000;

        const liveState = await KubernetesLiveState.create({
          clusters,
          logger,
          metricsIntervalMs: seconds(
            'serviceOps.liveState.metricsIntervalSeconds',
            15,
          ),
          watch: {
            idleTimeoutMs: seconds(
              'serviceOps.liveState.watchIdleTimeoutSeconds',
              90,
            ),
          },
        });
        const publisher = new LiveStatePublisher(deps.signals, logger, {
          debounceMs:
            config.getOptionalNumber('serviceOps.liveState.pushDebounceMs') ??
            250,
          interestMs: seconds('serviceOps.liveState.pushInterestSeconds', 3600),
        });
        const unsubscribe = liveState.onChange(() => publisher.changed());
        lifecycle.addShutdownHook(async () => {
          unsubscribe();
          publisher.stop();
          await liveState.stop();
        });

        const history = await ScalingHistoryStore.create(deps.database);
        const sampler = new ScalingSampler(
          liveState,
          history,
          (config.getOptionalNumber('serviceOps.history.retentionDays') ?? 7) *
            86_400_000,
        );
        await scheduler.scheduleTask({
          id: 'service-ops-scaling-history',
          // One instance samples when several share the database.
          scope: 'global',
          frequency: {
            seconds:
              config.getOptionalNumber('serviceOps.history.intervalSeconds') ??
              30,
          },
          timeout: { minutes: 1 },
          fn: async () => {
            await sampler.sample();
          },
        });

        // After the history store: both run the plugin's one migration directory.
        const backlog = await createBacklog({
          config,
          logger,
          database: deps.database,
          scheduler,
        });

        // content-service's signing keys, over the same NATS connection.
        const keys = createKeys({
          config,
          catalog: deps.catalog,
          permissions: deps.permissions,
          nats: backlog.connection,
        });
        // After the backlog: a drain notifies the collab pods over its NATS connection.
        const operations = await createOperations({
          config,
          logger,
          database: deps.database,
          auditor: deps.auditor,
          permissions: deps.permissions,
          catalog: deps.catalog,
          signals: deps.signals,
          notifications: deps.notifications,
          clusters,
          liveState,
          nats: backlog.connection,
          keys,
        });
        // One hook, in order: the executor finishes its unit of work and lets its leases
        // go while NATS is still open, then the NATS connection closes.
        lifecycle.addShutdownHook(async () => {
          await operations.executor.stop();
          await backlog.stop();
        });

        registerOperationActions({
          actionsRegistry: deps.actionsRegistry,
          operations: operations.service,
          drains: operations.drains,
        });
        registerRolloutActions({
          actionsRegistry: deps.actionsRegistry,
          rollouts: operations.rollouts,
        });
        httpRouter.use(
          createOperationsRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            operations: operations.service,
            drains: operations.drains,
          }),
        );
        httpRouter.use(
          createRolloutRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            rollouts: operations.rollouts,
          }),
        );

        registerKeyActions({
          actionsRegistry: deps.actionsRegistry,
          inventory: keys.inventory,
          rotations: operations.keyRotations,
        });
        httpRouter.use(
          createKeysRouter({
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            inventory: keys.inventory,
            rotations: operations.keyRotations,
          }),
        );

        httpRouter.use(
          createBacklogRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            backlog,
          }),
        );
        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            liveState,
            history,
            publisher,
          }),
        );
      },
    });
  },
});
