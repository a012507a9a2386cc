import { ApiError } from './status';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

/**
 * Parses a label selector as kubectl and the API server accept it: equality (`a=b`,
 * `a==b`, `a!=b`) and set-based (`a in (x,y)`, `a notin (x)`, `a`, `!a`), comma-separated.
 */
export function parseLabelSelector(text: string): Requirement[] {
  const requirements: Requirement[] = [];
  // Split on commas that are not inside parentheses.
  const parts = text
    .split(/,(?![^()]*\))/)
    .map(p => p.trim())
    .filter(Boolean);
  for (const part of parts) {
    const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(part);
    const absent = /^!([\w./-]+)$/.exec(part);
    const present = /^([\w./-]+)$/.exec(part);
    if (set) {
      requirements.push({
        key: set[1],
        op: set[2] as 'in' | 'notin',
        values: set[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      });
    } else if (equality) {
      requirements.push({
        key: equality[1],
        op: equality[2] === '!=' ? 'notin' : 'in',
        values: [equality[3]],
      });
    } else if (absent) {
      requirements.push({ key: absent[1], op: '!exists' });
    } else if (present) {
      requirements.push({ key: present[1], op: 'exists' });
    } else {
      throw new ApiError(
        400,
        `unable to parse requirement: "${part}" in labelSelector "${text}"`,
      );
    }
  }
  return requirements;
}

export function matchesLabels(
  requirements: Requirement[],
  labels: Record<string, string> = {},
): boolean {
  return requirements.every(r => {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.op) {
      case 'in':
        return has && r.values.includes(labels[r.key]);
      case 'notin':
        return !has || !r.values.includes(labels[r.key]);
      case 'exists':
        return has;
      default:
        return !has;
    }
  });
}

/** A `matchLabels`/`matchExpressions` selector object, as Deployments and PDBs carry. */
export function matchesSelectorObject(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{
          key: string;
          operator: string;
          values?: string[];
        }>;
      }
    | undefined,
  labels: Record<string, string> = {},
): boolean {
  if (!selector) return false;
  const requirements: Requirement[] = Object.entries(
    selector.matchLabels ?? {},
  ).map(([key, value]) => ({
    key,
    op: 'in' as const,
    values: [value],
  }));
  for (const expression of selector.matchExpressions ?? []) {
    const op = expression.operator.toLowerCase();
    if (op === 'in' || op === 'notin') {
      requirements.push({
        key: expression.key,
        op,
        values: expression.values ?? [],
      });
    } else if (op === 'exists') {
      requirements.push({ key: expression.key, op: 'exists' });
    } else if (op === 'doesnotexist') {
      requirements.push({ key: expression.key, op: '!exists' });
    }
  }
  return matchesLabels(requirements, labels);
}

const FIELDS: Record<string, (o: any) => string | undefined> = {
  'metadata.name': o => o.metadata?.name,
  'metadata.namespace': o => o.metadata?.namespace,
  'status.phase': o => o.status?.phase,
  'spec.nodeName': o => o.spec?.nodeName,
  'involvedObject.name': o => o.involvedObject?.name,
  'involvedObject.kind': o => o.involvedObject?.kind,
  type: o => o.type,
};

/** Field selectors the emulator supports: `metadata.name`, `metadata.namespace`, `status.phase` (and a few for events). */
export function parseFieldSelector(text: string): (o: unknown) => boolean {
  const tests = text
    .split(',')
    .map(p => p.trim())
    .filter(Boolean)
    .map(part => {
      const match = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
      if (!match || !FIELDS[match[1]]) {
        throw new ApiError(
          400,
          `field label not supported: ${
            match?.[1] ?? part
          } (supported: ${Object.keys(FIELDS).join(', ')})`,
        );
      }
      const [, field, op, value] = match;
      return (o: unknown) => (FIELDS[field](o) === value) === (op !== '!=');
    });
  return o => tests.every(t => t(o));
}
