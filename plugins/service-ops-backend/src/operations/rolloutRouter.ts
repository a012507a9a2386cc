import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { ROLLOUT_ACTIONS } from '@internal/backstage-plugin-service-ops-common';
import {
  entityRefParam,
  malformedJsonAsInputError,
  parse,
} from '../validation';
import { operationRequestRoute } from './router';
import { RolloutOperations } from './RolloutOperations';

const CLUSTER_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;
const POD_HASH = /^[a-z0-9]{1,63}$/;

const target = {
  entityRef: entityRefParam,
  action: z.enum(ROLLOUT_ACTIONS, {
    error: `action is required: one of ${ROLLOUT_ACTIONS.join(', ')}`,
  }),
  clusters: z
    .array(
      z
        .string()
        .regex(CLUSTER_NAME, 'each cluster must be a cluster name such as eu'),
      { error: 'clusters is required: the regions in order, e.g. ["us","eu"]' },
    )
    .min(1, 'clusters must name at least one region')
    .max(20, 'clusters may name at most 20 regions')
    .refine(
      c => new Set(c).size === c.length,
      'clusters must not repeat a region',
    ),
};

const expectation = z
  .object({
    stepIndex: z
      .number({ error: 'stepIndex must be a number' })
      .int('stepIndex must be a whole number')
      .min(0, 'stepIndex must be at least 0')
      .max(1000, 'stepIndex may be at most 1000')
      .optional(),
    podHash: z
      .string({ error: 'podHash must be text' })
      .regex(POD_HASH, 'podHash must be a pod template hash')
      .optional(),
    aborted: z.boolean({ error: 'aborted must be true or false' }).optional(),
  })
  .strict();

const previewBody = z.object(target).strict();

const createBody = z
  .object({
    ...target,
    expected: z
      .record(z.string(), expectation, {
        error:
          'expected must map each region to what you saw of it: { "us": { "stepIndex": 1, "podHash": "…" } }',
      })
      .default({}),
    reason: z
      .string({ error: 'reason is required: why the rollout is acted on' })
      .trim()
      .min(10, 'reason must say why, in at least 10 characters')
      .max(2000, 'reason may have at most 2000 characters'),
    confirm: z
      .string({ error: "confirm must be the target's name" })
      .optional(),
    incidentUrl: z
      .url({ error: 'incidentUrl must be a URL' })
      .max(2000, 'incidentUrl may have at most 2000 characters')
      .optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    for (const cluster of Object.keys(body.expected))
      if (!body.clusters.includes(cluster))
        ctx.addIssue({
          code: 'custom',
          path: ['expected', cluster],
          message: `${cluster} is not one of the clusters acted on`,
        });
    if (body.action === 'promote' || body.action === 'promote-full')
      for (const cluster of body.clusters) {
        const seen = body.expected[cluster];
        if (!seen || seen.podHash === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['expected', cluster],
            message: `a ${body.action} needs what you saw of ${cluster} (at least its podHash, and its stepIndex for a canary), so that it is refused if the rollout moved`,
          });
      }
  });

const viewQuery = z.object({ entityRef: entityRefParam }).strict();

export interface RolloutRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  rollouts: RolloutOperations;
}

/**
 * The rollout routes: a container's rollout in every region, the preview of an action and
 * its start (audited, Idempotency-Key); the operation's reads, cancel and approve are the
 * shared operations routes.
 */
export function createRolloutRouter(
  options: RolloutRouterOptions,
): express.Router {
  const { httpAuth, auditor, rollouts } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  /** GET /rollouts?entityRef= */
  router.get('/rollouts', async (req, res) => {
    const query = parse(viewQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    res.json(await rollouts.view(query.entityRef, credentials));
  });

  /** POST /operations/rollout/preview */
  router.post('/operations/rollout/preview', async (req, res) => {
    const body = parse(previewBody, req.body ?? {});
    const credentials = await httpAuth.credentials(req);
    res.json(await rollouts.preview(body, credentials));
  });

  /** POST /operations/rollout (Idempotency-Key header) */
  router.post(
    '/operations/rollout',
    operationRequestRoute({
      kind: 'rollout',
      httpAuth,
      auditor,
      body: createBody,
      start: (body, { idempotencyKey: key, actor, credentials }) =>
        rollouts.create(
          { ...body, ...(key ? { idempotencyKey: key } : {}) },
          actor,
          credentials,
        ),
    }),
  );

  router.use(malformedJsonAsInputError);

  return router;
}
