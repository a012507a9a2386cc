import { formatAge, formatDuration } from './formatAge';

const now = Date.parse('2025-06-01T12:00:00Z');
const before = (seconds: number) =>
  new Date(now - seconds * 1000).toISOString();

describe('formatAge', () => {
  it.each([
    [2, 'just now'],
    [40, '40 s ago'],
    [180, '3 min ago'],
    [2 * 3600 + 60, '2 h ago'],
    [4 * 86400, '4 d ago'],
  ])('%i seconds ago reads %s', (seconds, text) => {
    expect(formatAge(before(seconds), now)).toBe(text);
  });

  it('does not pretend to know an unreadable time', () => {
    expect(formatAge('yesterday', now)).toBe('at an unknown time');
  });
});

describe('formatDuration', () => {
  it.each([
    [45, '45s'],
    [12 * 60, '12m'],
    [3 * 3600, '3h'],
    [6 * 86400, '6d'],
  ])('%i seconds is %s', (seconds, text) => {
    expect(formatDuration(before(seconds), now)).toBe(text);
  });
});
