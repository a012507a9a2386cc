import { InputError } from '@backstage/errors';
import { Quantity } from '../declared/types';

// Kubernetes quantity grammar (k8s.io/apimachinery/pkg/api/resource):
//   <quantity> ::= <signedNumber><suffix>
//   <suffix>   ::= <binarySI> | <decimalExponent> | <decimalSI>
// The packages that parse quantities in JavaScript were tried and rejected: the
// client-node `quantityToScalar` throws on fractional binary values ("1.5Gi",
// it uses BigInt) and `kubernetes-resource-parser` reads "1.5Gi" as 1 byte.
const QUANTITY =
  /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[mkMGTPE]|[eE][+-]?\d+)?$/;

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Parses a Kubernetes resource quantity such as `500m`, `2`, `1.5Gi` or `1e3`
 * into its scalar value (cores for CPU, bytes for memory).
 *
 * @throws InputError when the text is not a quantity.
 */
export function parseQuantity(text: string): Quantity {
  const trimmed = text.trim();
  const match = QUANTITY.exec(trimmed);
  if (!match) {
    throw new InputError(
      `'${text}' is not a Kubernetes quantity (expected e.g. 500m, 2, 512Mi, 1.5Gi)`,
    );
  }
  const [, number, suffix = ''] = match;
  const multiplier = /^[eE]/.test(suffix)
    ? 10 ** Number(suffix.slice(1))
    : MULTIPLIERS[suffix];
  // Round away binary floating-point noise (0.1 * 3 and the like) at a precision far
  // below a milli-core or a byte.
  const value = Number((Number(number) * multiplier).toPrecision(15));
  return { text: trimmed, value };
}
