import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { Operation } from '@internal/backstage-plugin-service-ops-common';
import { CollabDrainOperations } from './CollabDrainOperations';
import { OperationsService } from './OperationsService';
import {
  entityRefParam,
  malformedJsonAsInputError,
  parse,
  wholeNumber,
} from '../validation';

const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CLUSTER_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]{0,62}$/;

const drainTarget = {
  entityRef: entityRefParam,
  cluster: z
    .string({
      error: 'cluster is required: the region whose pods are drained, e.g. eu',
    })
    .regex(CLUSTER_NAME, 'cluster must be a cluster name such as eu'),
  pods: z
    .array(
      z.string().regex(POD_NAME, 'each pod must be a Kubernetes pod name'),
      { error: 'pods must be a list of pod names' },
    )
    .min(1, 'pods, when given, must name at least one pod')
    .max(100, 'pods may name at most 100 pods')
    .refine(p => new Set(p).size === p.length, 'pods must not repeat a pod')
    .optional(),
  noticeSeconds: z
    .number({ error: 'noticeSeconds must be a number of seconds' })
    .int('noticeSeconds must be a whole number of seconds')
    .min(0, 'noticeSeconds must be at least 0')
    .max(3600, 'noticeSeconds may be at most 3600 (an hour)')
    .optional(),
};
const previewBody = z.object(drainTarget).strict();
const createBody = z
  .object({
    ...drainTarget,
    reason: z
      .string({ error: 'reason is required: why the pods are drained' })
      .trim()
      .min(10, 'reason must say why, in at least 10 characters')
      .max(2000, 'reason may have at most 2000 characters'),
    confirm: z.string({
      error: "confirm is required: type the target's name to confirm",
    }),
    incidentUrl: z
      .url({ error: 'incidentUrl must be a URL' })
      .max(2000, 'incidentUrl may have at most 2000 characters')
      .optional(),
  })
  .strict();
const listQuery = z
  .object({
    entityRef: entityRefParam,
    limit: wholeNumber('limit', 1, 200).default(50),
    offset: wholeNumber('offset', 0, 1_000_000).default(0),
  })
  .strict();
const operationId = z.uuid({ error: 'the operation id must be a UUID' });
const idempotencyKey = z
  .string()
  .regex(
    /^[\x21-\x7e]{1,255}$/,
    'the Idempotency-Key header must be 1 to 255 printable characters without spaces',
  );
const emptyBody = z.object({}).strict();
const approveBody = z
  .object({
    comment: z
      .string({ error: 'comment must be text' })
      .trim()
      .max(2000, 'comment may have at most 2000 characters')
      .optional(),
  })
  .strict();

export interface OperationsRouterOptions {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  operations: OperationsService;
  drains: CollabDrainOperations;
}

export function actorOf(
  credentials: BackstageCredentials<BackstageUserPrincipal>,
): string {
  if (credentials.principal.type !== 'user')
    throw new NotAllowedError('operations are asked for by a signed-in user');
  return credentials.principal.userEntityRef;
}

/** What a kind's start route hands its service, besides the validated body. */
export interface OperationRequestContext {
  idempotencyKey?: string;
  /** The signed-in user asking (user entity ref). */
  actor: string;
  credentials: BackstageCredentials<BackstageUserPrincipal>;
}

/**
 * The route that starts an operation of one kind: reads the optional Idempotency-Key
 * header, validates the body with `body` (400 naming what was wrong), takes the user's
 * credentials, and audits the request as `operation-request` (high severity, with
 * `kind`, the route's kind or family) with its outcome (the operation's exact kind). Answers 201 with a new operation, 200 with the one an earlier request with
 * the same key created.
 */
export function operationRequestRoute<T>(options: {
  kind: string;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  body: z.ZodType<T>;
  start(
    body: T,
    context: OperationRequestContext,
  ): Promise<{ operation: Operation; created: boolean }>;
}): express.RequestHandler {
  const { kind, httpAuth, auditor } = options;
  return async (req, res) => {
    const header = req.header('idempotency-key');
    const key =
      header === undefined ? undefined : parse(idempotencyKey, header);
    const event = await auditor.createEvent({
      eventId: 'operation-request',
      severityLevel: 'high',
      request: req,
      meta: { kind },
    });
    try {
      const body = parse(options.body, req.body ?? {});
      const credentials = await httpAuth.credentials(req, {
        allow: ['user'],
      });
      const { operation, created } = await options.start(body, {
        ...(key ? { idempotencyKey: key } : {}),
        actor: actorOf(credentials),
        credentials,
      });
      await event.success({
        meta: {
          operationId: operation.id,
          // The route's kind may be a family (rollout); the operation's is exact.
          operationKind: operation.kind,
          entityRef: operation.entityRef,
          cluster: operation.cluster,
          state: operation.state,
          created,
        },
      });
      res.status(created ? 201 : 200).json(operation);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  };
}

/**
 * The operations routes: a collab drain's preview and start; for every kind, the
 * operations of an entity, one operation, cancel and approve. Each write is audited as a
 * request. Other kinds add their start routes with `operationRequestRoute`.
 */
export function createOperationsRouter(
  options: OperationsRouterOptions,
): express.Router {
  const { httpAuth, auditor, operations, drains } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  /** POST /operations/collab-drain/preview */
  router.post('/operations/collab-drain/preview', async (req, res) => {
    const body = parse(previewBody, req.body ?? {});
    const credentials = await httpAuth.credentials(req);
    res.json(await drains.preview(body, credentials));
  });

  /** POST /operations/collab-drain (Idempotency-Key header) */
  router.post(
    '/operations/collab-drain',
    operationRequestRoute({
      kind: 'collab-drain',
      httpAuth,
      auditor,
      body: createBody,
      start: (body, { idempotencyKey: key, actor, credentials }) =>
        drains.create(
          { ...body, ...(key ? { idempotencyKey: key } : {}) },
          actor,
          credentials,
        ),
    }),
  );

  /** GET /operations?entityRef= */
  router.get('/operations', async (req, res) => {
    const query = parse(listQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    res.json(await operations.list(query, credentials));
  });

  /** GET /operations/:id */
  router.get('/operations/:id', async (req, res) => {
    const id = parse(operationId, req.params.id);
    const credentials = await httpAuth.credentials(req);
    res.json(await operations.get(id, credentials));
  });

  /** POST /operations/:id/cancel */
  router.post('/operations/:id/cancel', async (req, res) => {
    const event = await auditor.createEvent({
      eventId: 'operation-cancel',
      severityLevel: 'high',
      request: req,
      meta: { operationId: String(req.params.id) },
    });
    try {
      const id = parse(operationId, req.params.id);
      parse(emptyBody, req.body ?? {});
      const credentials = await httpAuth.credentials(req, {
        allow: ['user'],
      });
      const operation = await operations.cancel(
        id,
        actorOf(credentials),
        credentials,
      );
      await event.success({ meta: { state: operation.state } });
      res.json(operation);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  /** POST /operations/:id/approve { comment? } */
  router.post('/operations/:id/approve', async (req, res) => {
    const event = await auditor.createEvent({
      eventId: 'operation-approve',
      severityLevel: 'high',
      request: req,
      meta: { operationId: String(req.params.id) },
    });
    try {
      const id = parse(operationId, req.params.id);
      const { comment } = parse(approveBody, req.body ?? {});
      const credentials = await httpAuth.credentials(req, {
        allow: ['user'],
      });
      const operation = await operations.approve(
        id,
        actorOf(credentials),
        comment,
        credentials,
      );
      await event.success({
        meta: {
          state: operation.state,
          approvals: operation.approval?.approvals.length ?? 0,
          required: operation.approval?.required ?? 0,
        },
      });
      res.json(operation);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.use(malformedJsonAsInputError);

  return router;
}
