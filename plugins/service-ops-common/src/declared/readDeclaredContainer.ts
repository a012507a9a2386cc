import { z } from 'zod';
import type { Entity } from '@backstage/catalog-model';
import { DeclaredContainer } from './types';

const quantity = z.object({ text: z.string(), value: z.number() });
const requestLimit = z.object({ request: quantity, limit: quantity });

const declaredContainer = z.object({
  service: z.string(),
  container: z.string(),
  scaling: z
    .object({
      min: z.number().int().nonnegative(),
      max: z.number().int().nonnegative(),
      triggers: z.array(
        z.object({
          metric: z.string(),
          metricText: z.string(),
          comparison: z.enum(['>', '>=', '<', '<=']),
          threshold: z.number(),
          basis: z.enum(['percent', 'perPod', 'total']),
          note: z.string().optional(),
        }),
      ),
      text: z.string(),
      source: z.string(),
    })
    .optional(),
  resources: z
    .object({
      cpu: requestLimit,
      memory: requestLimit,
      note: z.string().optional(),
      source: z.string(),
    })
    .optional(),
  problems: z.array(z.string()).optional(),
});

export type ReadDeclaredContainerResult =
  | { kind: 'container'; container: DeclaredContainer }
  | { kind: 'none' }
  | { kind: 'invalid'; message: string };

/**
 * Reads the declared model (`spec.serviceOps`) off a container entity generated from a
 * topology document. `none` for entities that are not such containers; `invalid` when
 * the field is there but does not have the expected shape.
 */
export function readDeclaredContainer(
  entity: Entity,
): ReadDeclaredContainerResult {
  const value = (entity.spec as Record<string, unknown> | undefined)
    ?.serviceOps;
  if (!value || typeof value !== 'object' || !('container' in value)) {
    return { kind: 'none' };
  }
  const parsed = declaredContainer.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'invalid',
      message: `spec.serviceOps.${issue.path.join('.')}: ${issue.message}`,
    };
  }
  return { kind: 'container', container: parsed.data };
}
