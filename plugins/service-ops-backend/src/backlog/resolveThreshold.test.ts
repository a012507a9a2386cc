import { Entity } from '@backstage/catalog-model';
import {
  DeclaredContainer,
  readDeclaredContainer,
} from '@internal/backstage-plugin-service-ops-common';
import { findRepoRoot } from '@internal/sandbox-fleet';
import { fleetEntities } from '../__testUtils__/fleetEntities';
import { backlogScope } from './backlogScope';
import { resolveThreshold } from './resolveThreshold';

const entities = fleetEntities(findRepoRoot(__dirname));
const declared = new Map<string, DeclaredContainer>(
  entities.flatMap(e => {
    const read = readDeclaredContainer(e);
    return read.kind === 'container'
      ? [[read.container.container, read.container] as const]
      : [];
  }),
);
const consumer = (container: string, more = {}) => ({
  name: `${container}-worker`,
  container,
  itemsPerMessage: 1,
  ...more,
});
const thresholdOf = (container: string) =>
  resolveThreshold({
    consumer: consumer(container),
    declared: declared.get(container),
  }).threshold;

describe('resolveThreshold', () => {
  it('takes the queue thresholds from the topology documents', () => {
    const values = Object.fromEntries(
      [
        'authoring-worker',
        'authoring-ai-worker',
        'content-builder',
        'content-bundler',
        'content-scorm-importer',
        'content-exporter',
        'content-outbox-relay',
      ].map(c => [c, thresholdOf(c)?.value]),
    );
    expect(values).toEqual({
      'authoring-worker': 5000,
      'authoring-ai-worker': 200,
      'content-builder': 50,
      'content-bundler': 200,
      'content-scorm-importer': 5,
      'content-exporter': 20,
      'content-outbox-relay': 5000,
    });
    expect(thresholdOf('content-builder')).toEqual({
      value: 50,
      per: 'total',
      origin: 'declared',
      text: 'queue depth > 50',
      source: expect.stringMatching(
        /docs\/services\/content-service\/DEPLOYMENT_TOPOLOGY\.md#L\d+$/,
      ),
    });
  });

  it('prefers a threshold written in the app-config', () => {
    expect(
      resolveThreshold({
        consumer: consumer('content-builder', {
          threshold: { value: 10, per: 'pod' },
        }),
        declared: declared.get('content-builder'),
      }).threshold,
    ).toEqual({
      value: 10,
      per: 'pod',
      origin: 'config',
      source: 'app-config serviceOps.backlog (consumer content-builder-worker)',
    });
  });

  it('says why there is none: no declared model, or no queue trigger', () => {
    expect(
      resolveThreshold({ consumer: consumer('content-builder') }).problem,
    ).toBe(
      'content-builder-worker: container content-builder has no declared model in the catalog',
    );
    // authoring-api scales on CPU % and active editors per pod; asked for queue depth
    expect(
      resolveThreshold({
        consumer: consumer('authoring-api', { metric: 'queue-depth' }),
        declared: declared.get('authoring-api'),
      }).problem,
    ).toMatch(
      /authoring-api declares no trigger on queue-depth \(its triggers: CPU > 60% or active-editors > 100\/pod\)/,
    );
  });
});

describe('backlogScope', () => {
  const services = {
    'content-service': [
      {
        stream: 'content-builder-queue-depth-eu',
        region: 'eu',
        consumers: [consumer('content-builder')],
      },
      {
        stream: 'content-exporter-queue-depth-eu',
        region: 'eu',
        consumers: [consumer('content-exporter')],
      },
    ],
  };
  const byName = (name: string): Entity =>
    entities.find(e => e.metadata.name === name)!;

  it("gives a service its streams and a container its service's streams it drains", () => {
    expect(backlogScope(byName('content-service'), services)).toEqual({
      service: 'content-service',
      streams: services['content-service'],
    });
    expect(backlogScope(byName('content-builder'), services)).toEqual({
      service: 'content-service',
      streams: [services['content-service'][0]],
    });
    expect(backlogScope(byName('content-api'), services)).toBeUndefined();
    expect(backlogScope(byName('authoring-service'), services)).toBeUndefined();
  });
});
