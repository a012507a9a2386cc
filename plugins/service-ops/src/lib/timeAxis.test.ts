import { formatTime, timeAxis } from './timeAxis';

describe('timeAxis', () => {
  const hour = 3_600_000;
  const from = Date.parse('2026-11-22T13:00:00Z');

  it('spans the whole window with five distinct ticks', () => {
    const axis = timeAxis({ from, to: from + hour }, [from + hour - 60_000]);
    expect(axis.domain).toEqual([from, from + hour]);
    expect(axis.ticks).toEqual([
      from,
      from + hour / 4,
      from + hour / 2,
      from + (3 * hour) / 4,
      from + hour,
    ]);
    const labels = axis.ticks!.map(axis.tickFormatter);
    expect(new Set(labels).size).toBe(5);
    expect(labels[0]).toBe(formatTime(from));
  });

  it('labels seconds when the ticks are less than a minute apart', () => {
    const axis = timeAxis(undefined, [from, from + 120_000]);
    expect(axis.domain).toEqual([from, from + 120_000]);
    expect(axis.tickFormatter(from + 30_000)).toBe(
      formatTime(from + 30_000, true),
    );
    expect(new Set(axis.ticks!.map(axis.tickFormatter)).size).toBe(5);
  });

  it('falls back to the data range when there is no span and one sample', () => {
    expect(timeAxis(undefined, [from]).domain).toEqual(['dataMin', 'dataMax']);
    expect(timeAxis(undefined, []).domain).toEqual(['dataMin', 'dataMax']);
  });
});
