import type { DriftFinding } from '@internal/backstage-plugin-service-ops-common';
import { describeDrift, findDrift } from './describeDrift';

const finding = (f: Partial<DriftFinding>): DriftFinding => ({
  kind: 'max',
  container: 'content-bundler',
  cluster: 'me',
  message: 'from the backend',
  ...f,
});

describe('describeDrift', () => {
  it('says what the cluster runs and what the document declares', () => {
    expect(describeDrift(finding({ actual: '40', declared: '30' }))).toBe(
      'me: content-bundler max 40, declared 30',
    );
    expect(
      describeDrift(
        finding({
          kind: 'memory-limit',
          container: 'authoring-worker',
          cluster: 'eu',
          actual: '2Gi',
          declared: '1Gi',
        }),
      ),
    ).toBe('eu: authoring-worker memory limit 2Gi, declared 1Gi');
  });

  it('names containers missing on one side', () => {
    expect(
      describeDrift(
        finding({
          kind: 'not-deployed',
          container: 'content-exporter',
          cluster: 'ap',
        }),
      ),
    ).toBe('ap: content-exporter declared but not deployed');
    expect(
      describeDrift(
        finding({
          kind: 'not-declared',
          container: 'content-debug-shell',
          cluster: 'us',
        }),
      ),
    ).toBe('us: content-debug-shell deployed but not declared');
  });

  it('falls back to the backend’s message for a kind it does not know', () => {
    const future = {
      ...finding({}),
      kind: 'affinity',
    } as unknown as DriftFinding;
    expect(describeDrift(future)).toBe('me: content-bundler: from the backend');
  });
});

describe('findDrift', () => {
  it('keeps the findings of one container in one cluster', () => {
    const all = [
      finding({}),
      finding({ cluster: 'eu' }),
      finding({ kind: 'cpu-limit' }),
    ];
    expect(
      findDrift(all, { container: 'content-bundler', cluster: 'me' }),
    ).toHaveLength(2);
    expect(
      findDrift(all, {
        container: 'content-bundler',
        cluster: 'me',
        kinds: ['cpu-limit'],
      }),
    ).toEqual([all[2]]);
  });
});
