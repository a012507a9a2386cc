import { parseQuantity } from './parseQuantity';

describe('parseQuantity', () => {
  it.each([
    ['500m', 0.5],
    ['2000m', 2],
    ['1500m', 1.5],
    ['2', 2],
    ['0.25', 0.25],
    ['512Mi', 512 * 2 ** 20],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['8Gi', 8 * 2 ** 30],
    ['256Mi', 256 * 2 ** 20],
    ['1k', 1000],
    ['1M', 1e6],
    ['1e3', 1000],
    ['1E-3', 0.001],
  ])('reads %s as %d', (text, value) => {
    expect(parseQuantity(text)).toEqual({ text, value });
  });

  it('keeps the text as written, trimmed', () => {
    expect(parseQuantity(' 1.5Gi ')).toEqual({
      text: '1.5Gi',
      value: 1610612736,
    });
  });

  it.each(['', 'lots', '1.5 Gi', '2 cores', 'Gi', '1Gb', '1..5Gi'])(
    'rejects %p with a message naming the text',
    text => {
      expect(() => parseQuantity(text)).toThrow(
        `'${text}' is not a Kubernetes quantity`,
      );
    },
  );
});
