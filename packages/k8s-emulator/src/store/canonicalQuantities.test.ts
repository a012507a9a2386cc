import { canonicalQuantity } from './canonicalQuantities';

describe('canonicalQuantity', () => {
  it.each([
    ['1.5Gi', '1536Mi'],
    ['4Gi', '4Gi'],
    ['512Mi', '512Mi'],
    ['0.5Gi', '512Mi'],
    ['2048Mi', '2Gi'],
    ['2000m', '2'],
    ['1500m', '1500m'],
    ['500m', '500m'],
    ['0.5', '500m'],
    ['1000', '1k'],
    ['0', '0'],
    ['not-a-quantity', 'not-a-quantity'],
  ])('%s -> %s', (input, output) => {
    expect(canonicalQuantity(input)).toBe(output);
  });
});
