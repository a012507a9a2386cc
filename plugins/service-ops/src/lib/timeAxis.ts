/** The window a chart covers, in epoch milliseconds. */
export interface TimeSpan {
  from: number;
  to: number;
}

const TICKS = 5;

/** `14:05`, or `14:05:30` when ticks are less than a minute apart. */
export function formatTime(time: number, withSeconds = false): string {
  return new Date(time).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    ...(withSeconds ? { second: '2-digit' } : {}),
  });
}

/**
 * The X axis of a chart over time: the whole window when one is given (so a chart
 * shows how much of the window has samples), else the samples' own range; evenly
 * spaced ticks, each labelled once.
 */
export function timeAxis(span: TimeSpan | undefined, times: number[]) {
  const from = span?.from ?? Math.min(...times);
  const to = span?.to ?? Math.max(...times);
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from) {
    return {
      domain: ['dataMin', 'dataMax'] as [string, string],
      tickFormatter: (t: number) => formatTime(t, true),
    };
  }
  const step = (to - from) / (TICKS - 1);
  const withSeconds = step < 60_000;
  return {
    domain: [from, to] as [number, number],
    ticks: Array.from({ length: TICKS }, (_, i) => Math.round(from + i * step)),
    tickFormatter: (t: number) => formatTime(t, withSeconds),
  };
}
