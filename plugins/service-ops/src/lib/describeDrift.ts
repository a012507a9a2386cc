import type {
  DriftFinding,
  DriftKind,
} from '@internal/backstage-plugin-service-ops-common';

const LABELS: Record<DriftKind, string> = {
  min: 'min',
  max: 'max',
  trigger: 'trigger',
  threshold: 'threshold',
  'cpu-request': 'CPU request',
  'cpu-limit': 'CPU limit',
  'memory-request': 'memory request',
  'memory-limit': 'memory limit',
  'not-deployed': 'not deployed',
  'not-declared': 'not declared',
};

/**
 * One drift finding in a line: `me: content-bundler max 40, declared 30`,
 * `ap: content-exporter declared but not deployed`.
 */
export function describeDrift(finding: DriftFinding): string {
  const where = `${finding.cluster}: ${finding.container}`;
  switch (finding.kind) {
    case 'not-deployed':
      return `${where} declared but not deployed`;
    case 'not-declared':
      return `${where} deployed but not declared`;
    default: {
      const label = LABELS[finding.kind];
      if (!label) return `${where}: ${finding.message}`;
      return `${where} ${label} ${finding.actual ?? 'unknown'}, declared ${
        finding.declared ?? 'nothing'
      }`;
    }
  }
}

/** The findings about one container in one cluster, optionally of some kinds only. */
export function findDrift(
  findings: DriftFinding[],
  where: { container: string; cluster: string; kinds?: DriftKind[] },
): DriftFinding[] {
  return findings.filter(
    f =>
      f.container === where.container &&
      f.cluster === where.cluster &&
      (!where.kinds || where.kinds.includes(f.kind)),
  );
}
