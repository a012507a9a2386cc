import { InputError } from '@backstage/errors';
import { DeclaredTrigger, TriggerComparison } from './types';

// One trigger as the documents write it: "<metric> <comparison> <threshold>[%|/pod] [(note)]".
const TRIGGER =
  /^(?<metric>[A-Za-z][\w\s-]*?)\s*(?<comparison>>=|<=|>|<|≥|≤)\s*(?<threshold>\d+(?:\.\d+)?)\s*(?<unit>%|\/\s*pod)?\s*(?:\((?<note>[^)]*)\))?$/;

const COMPARISONS: Record<string, TriggerComparison> = {
  '>': '>',
  '>=': '>=',
  '≥': '>=',
  '<': '<',
  '<=': '<=',
  '≤': '<=',
};

const BASIS: Record<string, DeclaredTrigger['basis']> = {
  '%': 'percent',
  '/pod': 'perPod',
};

/** `active WS connections` -> `active-ws-connections`, `CPU` -> `cpu`. */
export function metricKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}

/**
 * Parses an HPA trigger cell such as `CPU > 60% or active-editors > 100/pod` into one
 * trigger per alternative. A threshold written with `%` is a utilization percentage,
 * one written with `/pod` a per-pod average, anything else a total.
 *
 * @throws InputError naming the part that could not be read.
 */
export function parseTriggers(cell: string): DeclaredTrigger[] {
  const parts = cell
    .split(/\s+or\s+|\s*,\s*(?![^()]*\))/i)
    .map(part => part.trim())
    .filter(Boolean);
  if (parts.length === 0) {
    throw new InputError('the HPA trigger is empty');
  }
  return parts.map(part => {
    const groups = TRIGGER.exec(part)?.groups;
    if (!groups) {
      throw new InputError(
        `cannot read HPA trigger '${part}' (expected '<metric> > <threshold>' with an optional % or /pod, e.g. 'CPU > 60%')`,
      );
    }
    const unit = groups.unit?.replace(/\s/g, '');
    const trigger: DeclaredTrigger = {
      metric: metricKey(groups.metric),
      metricText: groups.metric.trim(),
      comparison: COMPARISONS[groups.comparison],
      threshold: Number(groups.threshold),
      basis: BASIS[unit ?? ''] ?? 'total',
    };
    if (groups.note?.trim()) {
      trigger.note = groups.note.trim();
    }
    return trigger;
  });
}
