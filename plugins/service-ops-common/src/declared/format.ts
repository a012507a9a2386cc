import { DeclaredTrigger, Quantity } from './types';

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `1610612736` -> `1.5 GiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(2))} ${BINARY_UNITS[unit]}`;
}

/** `0.5` -> `0.5 cores`, `1` -> `1 core`. */
export function formatCores(cores: number): string {
  const rounded = Number(cores.toFixed(3));
  return `${rounded} ${rounded === 1 ? 'core' : 'cores'}`;
}

/** A quantity as written, with its value spelled out when that reads differently. */
export function describeQuantity(
  quantity: Quantity,
  kind: 'cpu' | 'memory',
): string {
  const spelled =
    kind === 'cpu' ? formatCores(quantity.value) : formatBytes(quantity.value);
  return `${quantity.text} (${spelled})`;
}

/** `CPU > 60% of request`, `active-editors > 100 per pod`, `outbox backlog > 5000 in total`. */
export function describeTrigger(trigger: DeclaredTrigger): string {
  const head = `${trigger.metricText} ${trigger.comparison} ${trigger.threshold}`;
  switch (trigger.basis) {
    case 'percent':
      return `${head}% of request`;
    case 'perPod':
      return `${head} per pod`;
    default:
      return `${head} in total`;
  }
}

/**
 * A scalar as a Kubernetes quantity reads best: `0.5` cpu -> `500m`, `2147483648` memory ->
 * `2Gi`, `1.5` cpu -> `1.5`.
 */
export function formatQuantity(value: number, kind: 'cpu' | 'memory'): string {
  if (kind === 'cpu') {
    return value < 1
      ? `${Number((value * 1000).toFixed(1))}m`
      : `${Number(value.toFixed(3))}`;
  }
  for (const [suffix, size] of [
    ['Ti', 2 ** 40],
    ['Gi', 2 ** 30],
    ['Mi', 2 ** 20],
    ['Ki', 2 ** 10],
  ] as const) {
    if (value >= size && Number.isInteger((value / size) * 100)) {
      return `${Number((value / size).toFixed(2))}${suffix}`;
    }
  }
  return String(value);
}
