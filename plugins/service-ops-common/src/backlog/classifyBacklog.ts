import type { BacklogLevel, BacklogThreshold } from './types';

/**
 * A backlog in items against its threshold, as KEDA compares them: `above` when there are
 * more items than the threshold (a per-pod threshold counts once per Ready pod), `below`
 * otherwise; `unknown` without figures, without a threshold, or for a per-pod threshold
 * without a pod count.
 */
export function classifyBacklog(options: {
  items?: number;
  threshold?: Pick<BacklogThreshold, 'value' | 'per'>;
  readyPods?: number;
}): BacklogLevel {
  const { items, threshold, readyPods } = options;
  if (items === undefined || !threshold) return 'unknown';
  if (threshold.per === 'pod') {
    if (readyPods === undefined) return 'unknown';
    return items > threshold.value * Math.max(readyPods, 1) ? 'above' : 'below';
  }
  return items > threshold.value ? 'above' : 'below';
}
