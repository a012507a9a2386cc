import type { DeclaredContainer } from '@internal/backstage-plugin-service-ops-common';
import { readDeclaredContainer } from '@internal/backstage-plugin-service-ops-common';
import { buildSnapshot } from '../../__fixtures__/snapshots';
import { containerEntities } from '../../__fixtures__/entities';
import { resourceRows } from './resourceRows';

const GiB = 2 ** 30;

const declared = new Map<string, DeclaredContainer>(
  containerEntities.flatMap(entity => {
    const result = readDeclaredContainer(entity);
    return result.kind === 'container'
      ? [[result.container.container, result.container] as const]
      : [];
  }),
);

describe('resourceRows', () => {
  const rows = resourceRows({ snapshot: buildSnapshot(), declared });
  const row = (container: string, cluster: string, resource: string) =>
    rows.find(
      r =>
        r.container === container &&
        r.cluster === cluster &&
        r.resource === resource,
    )!;

  it('has a CPU and a memory row per container and region', () => {
    expect(rows).toHaveLength(3 * 4 * 2);
  });

  it('puts declared, cluster and usage side by side', () => {
    const builder = row('content-builder', 'us', 'cpu');
    expect(builder.request).toEqual({ declared: 1, cluster: 1 });
    expect(builder.limit).toEqual({ declared: 4, cluster: 4 });
    // Three pods at 1.5 cores each.
    expect(builder.usage).toEqual({ average: 1.5, total: 4.5, pods: 3 });
  });

  it('attaches the drift finding to the value it is about', () => {
    const me = row('content-builder', 'me', 'memory');
    expect(me.limit.declared).toBe(8 * GiB);
    expect(me.limit.cluster).toBe(4 * GiB);
    expect(me.limit.drift?.kind).toBe('memory-limit');
    expect(me.request.drift).toBeUndefined();
    expect(row('content-builder', 'us', 'memory').limit.drift).toBeUndefined();
  });

  it('keeps a declared container that a region does not run', () => {
    const snapshot = buildSnapshot();
    snapshot.containers[1].regions = snapshot.containers[1].regions.filter(
      r => r.cluster !== 'ap',
    );
    snapshot.drift.push({
      kind: 'not-deployed',
      container: 'content-builder',
      cluster: 'ap',
      message: 'declared but not deployed',
    });
    const ap = resourceRows({ snapshot, declared }).find(
      r => r.container === 'content-builder' && r.cluster === 'ap',
    )!;
    expect(ap.deployed).toBe(false);
    expect(ap.request.declared).toBe(1);
    expect(ap.request.cluster).toBeUndefined();
    expect(ap.usage).toBeUndefined();
    expect(ap.presenceDrift?.kind).toBe('not-deployed');
  });
});
