import express from 'express';
import { InputError } from '@backstage/errors';
import { z } from 'zod';

const ENTITY_REF_REQUIRED =
  'entityRef is required, e.g. ?entityRef=component:default/authoring-api';

/** The `entityRef` query parameter every entity route takes. */
export const entityRefParam = z
  .string({ error: ENTITY_REF_REQUIRED })
  .min(1, ENTITY_REF_REQUIRED);

/** A query parameter holding a whole number in [min, max]. */
export const wholeNumber = (name: string, min: number, max: number) => {
  const message = `${name} must be a whole number from ${min} to ${max}`;
  return z
    .string({ error: message })
    .regex(/^\d{1,12}$/, message)
    .transform(Number)
    .refine(n => n >= min && n <= max, message);
};

/** zod issues as one readable sentence: `window: window must be one of 1h, 6h, 24h; …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map(i =>
      i.path.length
        ? `${i.path.map(String).join('.')}: ${i.message}`
        : i.message,
    )
    .join('; ');
}

/** Parses input with a schema, or throws an InputError (400) that says what was wrong. */
export function parse<T extends z.ZodType>(
  schema: T,
  value: unknown,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InputError(describeIssues(parsed.error));
  return parsed.data;
}

/**
 * Error middleware for a router with `express.json()`: its parse errors (a malformed
 * JSON body) become a 400 that says so; other errors pass on unchanged.
 */
export function malformedJsonAsInputError(
  error: unknown,
  _req: express.Request,
  _res: express.Response,
  next: express.NextFunction,
): void {
  if (error instanceof SyntaxError && 'body' in error)
    next(
      new InputError(`the request body is not valid JSON: ${error.message}`),
    );
  else next(error);
}
