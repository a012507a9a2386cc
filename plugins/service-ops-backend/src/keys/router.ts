import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import {
  KEY_REGIONS,
  KEY_ROTATION_MODES,
} from '@internal/backstage-plugin-service-ops-common';
import { operationRequestRoute } from '../operations/router';
import {
  entityRefParam,
  malformedJsonAsInputError,
  parse,
  wholeNumber,
} from '../validation';
import { KeyRotationOperations } from './KeyRotationOperations';
import { INVENTORY_SORTS, SigningKeyInventory } from './SigningKeyInventory';

const TENANT_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

const inventoryQuery = z
  .object({
    entityRef: entityRefParam,
    q: z
      .string({ error: 'q must be text' })
      .trim()
      .max(200, 'q may have at most 200 characters')
      .optional(),
    homeRegion: z
      .enum(KEY_REGIONS, {
        error: `homeRegion must be one of ${KEY_REGIONS.join(', ')}`,
      })
      .optional(),
    rotation: z
      .enum(['ok', 'due-soon', 'overdue', 'no-active-key'], {
        error: 'rotation must be one of ok, due-soon, overdue, no-active-key',
      })
      .optional(),
    drill: z
      .enum(['current', 'due', 'overdue'], {
        error: 'drill must be one of current, due, overdue',
      })
      .optional(),
    notReplicated: z
      .enum(['true', 'false'], { error: 'notReplicated must be true or false' })
      .transform(v => v === 'true')
      .optional(),
    sort: z
      .enum(INVENTORY_SORTS, {
        error: `sort must be one of ${INVENTORY_SORTS.join(', ')}`,
      })
      .default('tenant'),
    limit: wholeNumber('limit', 1, 500).default(50),
    offset: wholeNumber('offset', 0, 1_000_000).default(0),
  })
  .strict();

const tenantQuery = z.object({ entityRef: entityRefParam }).strict();
export const tenantIdParam = z
  .string()
  .regex(
    TENANT_ID,
    'the tenant id must be lower-case letters, digits and dashes (at most 63)',
  );

const rotationBody = z
  .object({
    entityRef: entityRefParam,
    tenants: z
      .array(tenantIdParam, {
        error: 'tenants must be a list of tenant ids',
      })
      .min(1, 'tenants must name at least one tenant')
      .refine(
        t => new Set(t).size === t.length,
        'tenants must not repeat a tenant',
      ),
    mode: z.enum(KEY_ROTATION_MODES, {
      error:
        'mode must be emergency (the old key is revoked) or drill (kept verify-only for the grace window)',
    }),
    reason: z
      .string({ error: 'reason is required: why the keys are rotated' })
      .trim()
      .min(10, 'reason must say why, in at least 10 characters')
      .max(2000, 'reason may have at most 2000 characters'),
    incidentUrl: z
      .url({ error: 'incidentUrl must be a URL' })
      .max(2000, 'incidentUrl may have at most 2000 characters')
      .optional(),
    concurrency: z
      .number({ error: 'concurrency must be a number of tenants' })
      .int('concurrency must be a whole number')
      .min(1, 'concurrency must be at least 1')
      .optional(),
    graceSeconds: z
      .number({ error: 'graceSeconds must be a number of seconds' })
      .int('graceSeconds must be a whole number of seconds')
      .min(0, 'graceSeconds must be at least 0')
      .max(90 * 86_400, 'graceSeconds may be at most 7776000 (90 days)')
      .optional(),
  })
  .strict()
  .refine(body => body.mode === 'drill' || body.graceSeconds === undefined, {
    message:
      'graceSeconds applies to a drill only: an emergency rotation revokes the old key at once',
  });

export interface KeysRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  inventory: SigningKeyInventory;
  /** Absent when the operations engine does not run key rotations. */
  rotations?: KeyRotationOperations;
}

/**
 * The signing-key routes: the inventory of every tenant (filtered, sorted, paged) and
 * one tenant's keys, both read through the signing container's entity, and the start
 * of a key rotation (one tenant or a bulk list), which then awaits approval.
 */
export function createKeysRouter(options: KeysRouterOptions): express.Router {
  const { httpAuth, auditor, inventory, rotations } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  if (rotations)
    /** POST /operations/key-rotation (Idempotency-Key header) */
    router.post(
      '/operations/key-rotation',
      operationRequestRoute({
        kind: 'key-rotation',
        httpAuth,
        auditor,
        body: rotationBody,
        start: (body, { idempotencyKey, actor, credentials }) =>
          rotations.create(
            { ...body, ...(idempotencyKey ? { idempotencyKey } : {}) },
            actor,
            credentials,
          ),
      }),
    );

  /** GET /keys/inventory?entityRef=&q=&homeRegion=&rotation=&drill=&notReplicated=&sort=&limit=&offset= */
  router.get('/keys/inventory', async (req, res) => {
    const query = parse(inventoryQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    res.json(await inventory.inventory(query, credentials));
  });

  /** GET /keys/tenants/:tenantId?entityRef= */
  router.get('/keys/tenants/:tenantId', async (req, res) => {
    const tenantId = parse(tenantIdParam, req.params.tenantId);
    const query = parse(tenantQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    res.json(
      await inventory.tenant(
        { entityRef: query.entityRef, tenantId },
        credentials,
      ),
    );
  });

  router.use(malformedJsonAsInputError);

  return router;
}
