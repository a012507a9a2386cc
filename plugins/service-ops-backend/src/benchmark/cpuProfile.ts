import { Session } from 'node:inspector/promises';

/** The parts of a V8 CPU profile (`Profiler.stop`) that are read here. */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string };
    children?: number[];
  }>;
  samples?: number[];
  timeDeltas?: number[];
}

/** A frame predicate: the time of every sample with a matching frame on its stack counts. */
export type FrameMatcher = (frame: {
  functionName: string;
  url: string;
}) => boolean;

export interface CpuBreakdown {
  /** Sampled time, in ms. */
  totalMs: number;
  /** Time the thread was idle (`(idle)` samples). */
  idleMs: number;
  /** Time in the garbage collector (`(garbage collector)` samples). */
  gcMs: number;
  /** For each category, the time of the samples with a matching frame anywhere on the stack. */
  categories: Record<string, number>;
}

/**
 * Where the time of a CPU profile went: inclusive time per category (a sample counts once
 * per category however many of its frames match), idle and GC time.
 */
export function cpuBreakdown(
  profile: CpuProfile,
  categories: Record<string, FrameMatcher>,
): CpuBreakdown {
  const nodes = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const result: CpuBreakdown = {
    totalMs: 0,
    idleMs: 0,
    gcMs: 0,
    categories: Object.fromEntries(Object.keys(categories).map(k => [k, 0])),
  };
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const matchedBy = new Map<number, string[]>();
  const matches = (id: number): string[] => {
    let found = matchedBy.get(id);
    if (found) return found;
    const own = Object.entries(categories)
      .filter(([, match]) => match(nodes.get(id)!.callFrame))
      .map(([name]) => name);
    const up = parent.get(id);
    found = [...new Set([...own, ...(up === undefined ? [] : matches(up))])];
    matchedBy.set(id, found);
    return found;
  };
  samples.forEach((id, i) => {
    const ms = (deltas[i] ?? 0) / 1000;
    result.totalMs += ms;
    const name = nodes.get(id)?.callFrame.functionName;
    if (name === '(idle)') result.idleMs += ms;
    if (name === '(garbage collector)') result.gcMs += ms;
    for (const category of matches(id)) result.categories[category] += ms;
  });
  return result;
}

/** Runs `work` under the V8 sampling profiler of this process; resolves with its profile. */
export async function profileCpu<T>(
  work: () => Promise<T>,
  intervalMicros = 200,
): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', {
      interval: intervalMicros,
    });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile: profile as CpuProfile };
  } finally {
    session.disconnect();
  }
}
