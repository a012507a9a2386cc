import path from 'node:path';
import fs from 'node:fs';
import request from 'supertest';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin, {
  CATALOG_ERRORS_TOPIC,
} from '@backstage/plugin-catalog-backend';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import catalogModuleServiceOps, { localFileUrlReaderServiceFactory } from '.';

const repo = path.resolve(__dirname, '../../..');

/** A service Component whose topology document is at `document`. */
function serviceYaml(name: string, document: string) {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    service-ops.io/topology-document: ${document}`,
    'spec: { type: service, owner: team-a, lifecycle: experimental }',
  ].join('\n');
}
const mockDir = createMockDirectory();

/** Collects the catalog's processing errors, as catalog-backend-module-logs receives them. */
function errorCollector(errors: Array<{ entity: string; message: string }>) {
  return createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-error-collector',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          events.subscribe({
            id: 'test-error-collector',
            topics: [CATALOG_ERRORS_TOPIC],
            async onEvent({ eventPayload }) {
              const payload = eventPayload as {
                entity: string;
                errors: Error[];
              };
              for (const error of payload.errors) {
                errors.push({ entity: payload.entity, message: error.message });
              }
            },
          });
        },
      });
    },
  });
}

async function startCatalog(locations: string[], allow: string[]) {
  const errors: Array<{ entity: string; message: string }> = [];
  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      errorCollector(errors),
      catalogModuleServiceOps,
      localFileUrlReaderServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'Resource',
                  'Location',
                  'System',
                  'API',
                  'Domain',
                  'Group',
                  'User',
                ],
              },
            ],
            locations: locations.map(target => ({ type: 'file', target })),
            processingInterval: { seconds: 1 },
          },
          serviceOps: { localFiles: { allow } },
        },
      }),
    ],
  });
  const get = (url: string) =>
    request(backend.server)
      .get(url)
      .set('Authorization', mockCredentials.user.header());
  const waitFor = async <T>(
    probe: () => Promise<T | undefined>,
    what = 'the expected entities',
  ): Promise<T> => {
    for (let attempt = 0; attempt < 150; attempt++) {
      const value = await probe();
      if (value !== undefined) return value;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    throw new Error(`the catalog did not produce ${what} in 30 s`);
  };
  const entity = (ref: string) =>
    waitFor(async () => {
      const res = await get(`/api/catalog/entities/by-name/${ref}`);
      return res.status === 200 ? (res.body as Entity) : undefined;
    }, ref);
  return { get, waitFor, entity, errors, stop: () => backend.stop() };
}

describe('catalog module service-ops', () => {
  jest.setTimeout(60_000);

  it('models both services from the repository documents read through the UrlReader', async () => {
    const catalog = await startCatalog(
      [path.join(repo, 'catalog/services.yaml')],
      [path.join(repo, 'docs')],
    );
    try {
      const collab = await catalog.entity('component/default/authoring-collab');
      expect(collab.spec).toMatchObject({
        type: 'websocket',
        subcomponentOf: 'component:default/authoring-service',
        serviceOps: {
          scaling: { min: 2, max: 20 },
          resources: { memory: { limit: { text: '4Gi', value: 4 * 2 ** 30 } } },
        },
      });
      expect(
        collab.metadata.annotations?.['backstage.io/managed-by-location'],
      ).toBe(
        `file:${path.join(
          repo,
          'docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md',
        )}`,
      );

      await catalog.entity('component/default/content-outbox-relay');
      const subcomponents = await catalog.waitFor(async () => {
        const res = await catalog.get(
          '/api/catalog/entities?filter=kind=component,spec.type=worker&filter=kind=component,spec.type=service&filter=kind=component,spec.type=websocket',
        );
        const names = (res.body as Entity[])
          .filter(e => (e.spec as any)?.subcomponentOf)
          .map(e => e.metadata.name)
          .sort();
        return names.length === 10 ? names : undefined;
      });
      expect(subcomponents).toHaveLength(10);

      const service = await catalog.waitFor(async () => {
        const e = await catalog.entity('component/default/authoring-service');
        const hasParts =
          e.relations?.filter(r => r.type === 'hasPart').length ?? 0;
        return hasParts === 4 ? e : undefined;
      });
      const dependsOn = service
        .relations!.filter(r => r.type === 'dependsOn')
        .map(r => r.targetRef);
      expect(dependsOn).toEqual(
        expect.arrayContaining([
          'component:default/media-service',
          'component:default/ai-gateway',
          'resource:default/authoring-service-redis',
          'resource:default/nats-jetstream',
        ]),
      );
      const kms = await catalog.entity('resource/default/content-service-kms');
      expect(kms.spec?.type).toBe('kms');
    } finally {
      await catalog.stop();
    }
  });

  it('reports malformed rows as errors of the document and still emits the rest', async () => {
    mockDir.setContent({
      'docs/DEPLOYMENT_TOPOLOGY.md': fs.readFileSync(
        path.join(__dirname, '__fixtures__/variant-and-malformed.md'),
        'utf8',
      ),
      'catalog.yaml': serviceYaml(
        'demo-service',
        './docs/DEPLOYMENT_TOPOLOGY.md',
      ),
    });
    const catalog = await startCatalog(
      [mockDir.resolve('catalog.yaml')],
      [mockDir.resolve('docs')],
    );
    try {
      const api = await catalog.entity('component/default/demo-api');
      expect((api.spec as any).serviceOps.scaling.max).toBe(8);
      const ws = await catalog.entity('component/default/demo-ws');
      expect((ws.spec as any).serviceOps.problems).toHaveLength(2);
      const documentErrors = await catalog.waitFor(async () => {
        const found = catalog.errors.filter(
          e => e.entity === 'location:default/demo-service-topology-document',
        );
        // Every processing round reports the errors again.
        const messages = [...new Set(found.map(e => e.message))];
        return messages.length === 6 ? messages : undefined;
      }, 'six document errors');
      const documentUrl = `file://${mockDir.resolve(
        'docs/DEPLOYMENT_TOPOLOGY.md',
      )}`;
      expect(documentErrors).toContain(
        `${documentUrl}:18: scaling of 'demo-worker': cannot read HPA trigger 'whenever it is busy' (expected '<metric> > <threshold>' with an optional % or /pod, e.g. 'CPU > 60%')`,
      );
      expect(documentErrors).toContain(
        `${documentUrl}:19: scaling row names 'demo-ghost', which the Containers table does not list`,
      );
      // The service itself is not held back by its document's problems.
      const demoService = await catalog.entity(
        'component/default/demo-service',
      );
      expect(
        demoService.relations?.filter(r => r.type === 'hasPart'),
      ).toHaveLength(3);
    } finally {
      await catalog.stop();
    }
  });

  it('refuses to read files outside serviceOps.localFiles.allow', async () => {
    const outside = path.join(
      repo,
      'docs/services/content-service/DEPLOYMENT_TOPOLOGY.md',
    );
    mockDir.setContent({
      'catalog.yaml': serviceYaml('sneaky-service', `file://${outside}`),
    });
    const catalog = await startCatalog(
      [mockDir.resolve('catalog.yaml')],
      [mockDir.resolve('docs')],
    );
    try {
      const message = await catalog.waitFor(
        async () =>
          catalog.errors.find(
            e => e.entity === 'component:default/sneaky-service',
          )?.message,
      );
      expect(message).toBe(
        `service-ops.io/topology-document points at file://${outside}, which could not be read: reading ${outside} is not allowed; it is outside serviceOps.localFiles.allow`,
      );
      const res = await catalog.get(
        '/api/catalog/entities/by-name/component/default/content-api',
      );
      expect(res.status).toBe(404);
    } finally {
      await catalog.stop();
    }
  });
});
