/* eslint-disable @backstage/no-undeclared-imports -- benchmark only: the backend's plugins, as packages/backend installs them */
import { createServer } from 'node:net';
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import { serviceOpsPlugin } from '../plugin';
/* eslint-enable @backstage/no-undeclared-imports */

/** A free TCP port on the loopback interface. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise(resolve => server.close(resolve));
  if (!address || typeof address === 'string')
    throw new Error('no free port found');
  return address.port;
}

/** The permission policy of the benchmark: every request is allowed, after the round trip. */
const allowAllPolicy = createBackendModule({
  pluginId: 'permission',
  moduleId: 'benchmark-allow-all',
  register(reg) {
    reg.registerInit({
      deps: { policy: policyExtensionPoint },
      async init({ policy }) {
        policy.setPolicy({
          async handle() {
            return { result: AuthorizeResult.ALLOW };
          },
        });
      },
    });
  },
});

export interface BenchBackend {
  baseUrl: string;
  stop(): Promise<void>;
}

/**
 * A real Backstage backend (`createBackend()` of @backstage/backend-defaults) with the
 * catalog, the Kubernetes plugin, signals, permissions (allow-all policy) and service-ops,
 * configured by `config` plus what every run needs: a free port, SQLite in memory, and
 * requests without tokens allowed (`dangerouslyDisableDefaultAuthPolicy`, benchmark only).
 */
export async function startBenchBackend(
  config: JsonObject,
): Promise<BenchBackend> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const data: JsonObject = {
    ...config,
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port },
      database: { client: 'better-sqlite3', connection: ':memory:' },
      auth: { dangerouslyDisableDefaultAuthPolicy: true },
    },
    permission: { enabled: true },
  };
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(data),
    }),
  );
  /* eslint-disable @backstage/no-undeclared-imports -- as packages/backend installs them */
  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(import('@backstage/plugin-kubernetes-backend'));
  backend.add(import('@backstage/plugin-signals-backend'));
  backend.add(import('@backstage/plugin-permission-backend'));
  /* eslint-enable @backstage/no-undeclared-imports */
  backend.add(allowAllPolicy);
  backend.add(serviceOpsPlugin);
  await backend.start();
  return { baseUrl, stop: () => backend.stop() };
}
