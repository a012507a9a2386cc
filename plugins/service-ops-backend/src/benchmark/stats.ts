/** The `p`-th percentile (nearest rank) of `values`; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Median and 95th percentile of latencies, in ms. */
export interface Latencies {
  n: number;
  p50: number;
  p95: number;
}

export function latencies(values: number[]): Latencies {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
  };
}
