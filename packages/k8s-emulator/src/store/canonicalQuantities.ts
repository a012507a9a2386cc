const BINARY: Array<[string, number]> = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];
const DECIMAL: Array<[string, number]> = [
  ['E', 1e18],
  ['P', 1e15],
  ['T', 1e12],
  ['G', 1e9],
  ['M', 1e6],
  ['k', 1e3],
  ['', 1],
  ['m', 1e-3],
];
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[mkMGTPE])?$/;

const isWhole = (n: number) => Math.abs(n - Math.round(n)) < 1e-9;

/**
 * A quantity in the canonical form the API server stores and returns: binary quantities
 * in the largest binary unit that keeps a whole number (`1.5Gi` -> `1536Mi`), decimal
 * ones in the largest decimal unit (`2000m` -> `2`, `0.5` -> `500m`). Clients such as
 * client-node's `topPods` rely on this. Text that is not a quantity is returned as it is.
 */
export function canonicalQuantity(text: string): string {
  const match = QUANTITY.exec(String(text).trim());
  if (!match) return text;
  const [, number, suffix = ''] = match;
  const binary = BINARY.find(([s]) => s === suffix);
  if (binary) {
    const bytes = Number(number) * binary[1];
    const unit = BINARY.find(
      ([, size]) => isWhole(bytes / size) && Math.abs(bytes) >= size,
    );
    return unit
      ? `${Math.round(bytes / unit[1])}${unit[0]}`
      : `${Math.round(bytes)}`;
  }
  const value = Number(number) * DECIMAL.find(([s]) => s === suffix)![1];
  if (value === 0) return '0';
  const unit = DECIMAL.find(
    ([, size]) => isWhole(value / size) && Math.abs(value) >= size,
  ) ?? ['m', 1e-3];
  return `${Math.round(value / unit[1])}${unit[0]}`;
}

function canonicalContainers(containers: any[] | undefined) {
  for (const container of containers ?? []) {
    for (const group of ['requests', 'limits']) {
      const values = container?.resources?.[group];
      if (!values || typeof values !== 'object') continue;
      for (const [name, value] of Object.entries(values)) {
        if (typeof value === 'string' || typeof value === 'number')
          values[name] = canonicalQuantity(String(value));
      }
    }
  }
}

/** Puts the container resources of a pod or of a workload's pod template in canonical form. */
export function canonicalizeResources(object: any) {
  canonicalContainers(object?.spec?.containers);
  canonicalContainers(object?.spec?.initContainers);
  canonicalContainers(object?.spec?.template?.spec?.containers);
  canonicalContainers(object?.spec?.template?.spec?.initContainers);
}
