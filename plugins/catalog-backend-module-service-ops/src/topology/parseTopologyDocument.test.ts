import fs from 'node:fs';
import path from 'node:path';
import { parseTopologyDocument, sectionKind } from './parseTopologyDocument';

const repo = path.resolve(__dirname, '../../../..');
const read = (file: string) => fs.readFileSync(path.join(repo, file), 'utf8');
const authoring = parseTopologyDocument(
  read('docs/services/authoring-service/12-DEPLOYMENT_TOPOLOGY.md'),
);
const content = parseTopologyDocument(
  read('docs/services/content-service/DEPLOYMENT_TOPOLOGY.md'),
);
const variant = parseTopologyDocument(
  fs.readFileSync(
    path.join(__dirname, '../__fixtures__/variant-and-malformed.md'),
    'utf8',
  ),
);

describe('parseTopologyDocument on authoring-service', () => {
  it('reads its four containers with purpose, type and line', () => {
    expect(authoring.problems).toEqual([]);
    expect(authoring.containers.map(c => [c.name, c.type, c.line])).toEqual([
      ['authoring-api', 'service', 7],
      ['authoring-collab', 'websocket', 8],
      ['authoring-worker', 'worker', 9],
      ['authoring-ai-worker', 'worker', 10],
    ]);
    expect(authoring.containers[1].purpose).toBe(
      'WebSocket Yjs awareness server (M5)',
    );
  });

  it('reads "Scaling Rules" / "HPA Trigger" including the two-trigger row', () => {
    const api = authoring.scaling.find(s => s.container === 'authoring-api')!;
    expect(api).toMatchObject({ min: 3, max: 30, line: 16 });
    expect(api.triggers.map(t => [t.metric, t.threshold, t.basis])).toEqual([
      ['cpu', 60, 'percent'],
      ['active-editors', 100, 'perPod'],
    ]);
    expect(authoring.scaling.map(s => [s.container, s.min, s.max])).toEqual([
      ['authoring-api', 3, 30],
      ['authoring-collab', 2, 20],
      ['authoring-worker', 2, 10],
      ['authoring-ai-worker', 2, 15],
    ]);
  });

  it('reads "Resource Requirements" / "Workload" with quantities and notes', () => {
    const collab = authoring.resources.find(
      r => r.container === 'authoring-collab',
    )!;
    expect(collab.cpu.request).toEqual({ text: '500m', value: 0.5 });
    expect(collab.cpu.limit).toEqual({ text: '2000m', value: 2 });
    expect(collab.memory.limit).toEqual({ text: '4Gi', value: 4 * 2 ** 30 });
    expect(collab.note).toBe('Yjs docs in memory');
    const api = authoring.resources.find(r => r.container === 'authoring-api')!;
    expect(api.memory.limit).toEqual({ text: '1.5Gi', value: 1.5 * 2 ** 30 });
  });

  it('reads the stores, the mesh egress and the diagram edges', () => {
    expect(authoring.stores.map(s => [s.key, s.kind])).toEqual([
      ['redis', 'redis'],
      ['postgres-pgbouncer', 'postgres'],
      ['s3-r2', 'object-storage'],
      ['cdn', 'cdn'],
    ]);
    expect(authoring.meshEgress.map(e => e.target)).toEqual([
      'media-service',
      'content-service',
      'ai-gateway',
      'catalog-service',
    ]);
    const fromApi = authoring.diagramEdges
      .filter(e => e.from === 'authoring-api')
      .map(e => e.to);
    expect(fromApi).toEqual([
      'Postgres',
      'Redis',
      'ai-gateway-service',
      'media-service',
      'NATS',
    ]);
    expect(authoring.diagramEdges).toContainEqual(
      expect.objectContaining({ from: 'authoring-collab', to: 'Redis' }),
    );
  });

  it('keeps prose sections as notes', () => {
    expect(authoring.notes.release).toContain(
      'Collab server: drain sessions (notify clients 5 min before) → recreate.',
    );
  });
});

describe('parseTopologyDocument on content-service', () => {
  it('reads six containers, "Scaling" / "HPA" and "Resources" / "Container"', () => {
    expect(content.problems).toEqual([]);
    expect(content.containers.map(c => c.name)).toEqual([
      'content-api',
      'content-builder',
      'content-bundler',
      'content-scorm-importer',
      'content-exporter',
      'content-outbox-relay',
    ]);
    expect(content.scaling).toHaveLength(6);
    const bundler = content.scaling.find(
      s => s.container === 'content-bundler',
    )!;
    expect(bundler.triggers).toEqual([
      {
        metric: 'queue-depth',
        metricText: 'queue depth',
        comparison: '>',
        threshold: 200,
        basis: 'total',
        note: 'bursty on enrollment spikes',
      },
    ]);
  });

  it('declares resources for five containers: the outbox relay has none in the document', () => {
    expect(content.resources.map(r => r.container)).not.toContain(
      'content-outbox-relay',
    );
    expect(content.resources).toHaveLength(5);
    const builder = content.resources.find(
      r => r.container === 'content-builder',
    )!;
    expect(builder.cpu.limit.value).toBe(4);
    expect(builder.memory.limit).toEqual({ text: '8Gi', value: 8 * 2 ** 30 });
    expect(builder.note).toBe('asset processing');
  });

  it('takes CDN and KMS from their own sections and S3/R2 egress with its route', () => {
    expect(content.stores.map(s => s.key)).toEqual([
      's3-hot',
      's3-cold',
      'postgres',
      'local-ephemeral',
      'cdn',
      'kms',
    ]);
    expect(content.stores.find(s => s.key === 'kms')!.description).toContain(
      'Per-tenant signing key (HSM-backed).',
    );
    expect(content.meshEgress).toContainEqual(
      expect.objectContaining({ target: 'S3/R2', note: 'via VPC endpoint' }),
    );
    expect(content.meshEgress).toContainEqual(
      expect.objectContaining({
        target: 'ai-gateway',
        note: 'for AI assistant config generation',
      }),
    );
  });

  it('reads the diagram, including the relay <-> Postgres link and the NATS bus', () => {
    const show = content.diagramEdges.map(e => `${e.from}->${e.to}`);
    expect(show).toEqual(
      expect.arrayContaining([
        'content-api->content-outbox-relay',
        'content-outbox-relay->Postgres',
        'content-builder->S3',
        'NATS->content-builder',
        'NATS->content-bundler',
        'content-bundler->S3',
        'content-bundler->KMS',
      ]),
    );
  });
});

describe('parseTopologyDocument on variants and malformed rows', () => {
  it('recognises section names the documents use', () => {
    expect(sectionKind('2. Scaling Rules')).toBe('scaling');
    expect(sectionKind('2. Scaling')).toBe('scaling');
    expect(sectionKind('3. Resource Requirements')).toBe('resources');
    expect(sectionKind('3. Resources')).toBe('resources');
    expect(sectionKind('4. Caching & Storage')).toBe('storage');
    expect(sectionKind('10. Diagram')).toBe('diagram');
    expect(sectionKind('9. Topology Diagram')).toBe('diagram');
  });

  it('reports each bad row with its line and still reads the good rows', () => {
    expect(variant.problems).toEqual([
      {
        line: 9,
        message:
          "'Demo Worker!' is not a valid container name (lower-case letters, digits and dashes)",
      },
      { line: 17, message: "scaling of 'demo-ws': min 5 is above max 3" },
      {
        line: 18,
        message:
          "scaling of 'demo-worker': cannot read HPA trigger 'whenever it is busy' (expected '<metric> > <threshold>' with an optional % or /pod, e.g. 'CPU > 60%')",
      },
      {
        line: 19,
        message:
          "scaling row names 'demo-ghost', which the Containers table does not list",
      },
      {
        line: 26,
        message:
          "resources of 'demo-ws': 'lots' is not a Kubernetes quantity (expected e.g. 500m, 2, 512Mi, 1.5Gi)",
      },
      {
        line: 27,
        message:
          "resources of 'demo-worker': '2000m / 500m' declares a request above its limit, which Kubernetes rejects",
      },
    ]);
    expect(variant.containers.map(c => c.name)).toEqual([
      'demo-api',
      'demo-ws',
      'demo-worker',
    ]);
    expect(variant.scaling.map(s => s.container)).toEqual(['demo-api']);
    expect(variant.resources).toEqual([
      expect.objectContaining({
        container: 'demo-api',
        cpu: {
          request: { text: '250m', value: 0.25 },
          limit: { text: '1', value: 1 },
        },
        memory: {
          request: { text: '256Mi', value: 256 * 2 ** 20 },
          limit: { text: '0.5Gi', value: 0.5 * 2 ** 30 },
        },
      }),
    ]);
  });

  it('reads "A and B" egress lists and "Tier" storage tables', () => {
    expect(variant.meshEgress).toEqual([
      { target: 'billing-service', line: 38 },
      { target: 'search-service', note: 'for indexing', line: 38 },
    ]);
    expect(variant.stores.map(s => [s.key, s.kind, s.retention])).toEqual([
      ['postgres', 'postgres', undefined],
      ['redis', 'redis', 'sliding'],
    ]);
  });

  it('reports a document without a Containers section', () => {
    expect(
      parseTopologyDocument('# Nothing\n\n## Scaling\n\ntext\n').problems,
    ).toEqual([
      { line: 1, message: "the document has no 'Containers' section" },
      { line: 3, message: "section 'Scaling' has no table" },
    ]);
  });
});
