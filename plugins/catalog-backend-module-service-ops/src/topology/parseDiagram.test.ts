import { parseDiagram, labelNames } from './parseDiagram';

const edges = (text: string) =>
  parseDiagram(text, 1).map(
    e =>
      `${e.from} -> ${e.to}${e.via ? ` via ${e.via}` : ''}${
        e.bidirectional ? ' (both)' : ''
      }`,
  );

describe('parseDiagram', () => {
  it('follows a horizontal chain, naming connections that pass through a label', () => {
    expect(edges('Browser ─ HTTPS ─▶ CDN ─▶ API GW ─▶ api (3–30)')).toEqual([
      'Browser -> CDN via HTTPS',
      'CDN -> API GW',
      'API GW -> api',
    ]);
  });

  it('fans out a tree of ├─▶ and └─▶ branches from the node above', () => {
    const diagram = ['api', ' │', ' ├─▶ Postgres (drafts)', ' └─▶ Redis'].join(
      '\n',
    );
    expect(edges(diagram)).toEqual(['api -> Postgres', 'api -> Redis']);
  });

  it('reads arrows pointing left and up, and lines with heads at both ends', () => {
    const diagram = ['relay ◀─── api', '  ▲', '  │', '  ▼', 'Postgres'].join(
      '\n',
    );
    expect(edges(diagram)).toEqual([
      'api -> relay',
      'relay -> Postgres (both)',
    ]);
  });

  it('joins branches of a bus into one net and splits "A + B" labels', () => {
    const diagram = [
      '        NATS',
      '         │',
      'worker ◀─┤',
      '         ▼',
      '      S3 (x) + KMS',
    ].join('\n');
    expect(edges(diagram)).toEqual([
      'NATS -> worker',
      'NATS -> S3',
      'NATS -> KMS',
    ]);
  });

  it('reports the document line of each edge target', () => {
    const [edge] = parseDiagram('a\n│\n▼\nb', 40);
    expect(edge).toEqual({
      from: 'a',
      to: 'b',
      bidirectional: false,
      line: 43,
    });
  });

  it('returns no edges for text without connectors', () => {
    expect(parseDiagram('just a caption', 1)).toEqual([]);
  });

  it('labelNames drops notes and splits compound labels', () => {
    expect(labelNames('authoring-collab (2–20, sticky)')).toEqual([
      'authoring-collab',
    ]);
    expect(labelNames('S3 (bundles) + KMS')).toEqual(['S3', 'KMS']);
    expect(labelNames('NATS (outbox → publish saga)')).toEqual(['NATS']);
  });
});
