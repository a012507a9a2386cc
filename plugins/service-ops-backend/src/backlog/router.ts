import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  BacklogHistory,
  ConsumerHistorySeries,
  EntityBacklog,
  MalformedSagaEventList,
  PoisonList,
  SagaCounts,
  SagaInstanceResponse,
  SagaList,
  SAGA_STATES,
  serviceOpsSagaReadPermission,
  serviceOpsSagaRebuildPermission,
} from '@internal/backstage-plugin-service-ops-common';
import { BacklogAccess } from './BacklogAccess';
import { BacklogScope, backlogScope } from './backlogScope';
import { Backlog } from './createBacklog';
import { resolveThreshold } from './resolveThreshold';
import { entityRefParam, parse, wholeNumber } from '../validation';

const entityRef = entityRefParam;

/** History windows and their length in ms. */
export const BACKLOG_WINDOWS = { '1h': 3600_000, '24h': 86_400_000 } as const;
/** At most this many points per series in a history answer. */
export const MAX_HISTORY_POINTS = 360;

const entityQuery = z.object({ entityRef }).strict();
const historyQuery = z
  .object({
    entityRef,
    window: z
      .enum(['1h', '24h'], { error: 'window must be one of 1h, 24h' })
      .default('1h'),
  })
  .strict();
const poisonQuery = z
  .object({ entityRef, limit: wholeNumber('limit', 1, 500).default(100) })
  .strict();
const pageQuery = z
  .object({
    limit: wholeNumber('limit', 1, 500).default(50),
    offset: wholeNumber('offset', 0, 1_000_000).default(0),
  })
  .strict();
const sagaQuery = pageQuery
  .extend({
    state: z
      .enum(SAGA_STATES, {
        error: `state must be one of ${SAGA_STATES.join(', ')}`,
      })
      .optional(),
    region: z
      .string({ error: 'region must be given once' })
      .regex(/^[a-z0-9-]{1,63}$/, 'region must be a region name such as eu')
      .optional(),
    minAgeSeconds: wholeNumber(
      'minAgeSeconds',
      0,
      10 * 365 * 86_400,
    ).optional(),
  })
  .strict();
const emptyQuery = z.object({}).strict();
const sagaId = z
  .string()
  .min(1)
  .max(255, 'a saga id (publishId) has at most 255 characters');

export interface BacklogRouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  backlog: Backlog;
  now?: () => number;
}

/**
 * The backlog and publish-saga routes (docs/publish-saga.md, the plugin's README): an
 * entity's JetStream streams and consumers now and over time, its poison messages, the
 * publish sagas, their counts, one saga, malformed events, and the rebuild.
 */
export function createBacklogRouter(
  options: BacklogRouterOptions,
): express.Router {
  const { httpAuth, backlog } = options;
  const now = options.now ?? Date.now;
  const access = new BacklogAccess(options.catalog, options.permissions);
  const { settings, connection } = backlog;
  const clock = () => ({ now: now(), deadlines: settings.sagas.deadlines });
  const router = Router();
  router.use(express.json());

  const scopeOf = (entity: Entity): BacklogScope => {
    const scope = backlogScope(entity, settings.services);
    if (!scope)
      throw new NotFoundError(
        `no JetStream streams are configured for ${stringifyEntityRef(
          entity,
        )} (serviceOps.backlog.services.${entity.metadata.name})`,
      );
    return scope;
  };

  /** GET /backlog?entityRef= */
  router.get('/backlog', async (req, res) => {
    const query = parse(entityQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    const entity = await access.entity(query.entityRef, credentials);
    const scope = scopeOf(entity);
    const declared = await access.declaredContainers(entity, credentials);
    const read = await backlog.reader.read({
      streams: scope.streams,
      declared,
    });
    const body: EntityBacklog = {
      entityRef: stringifyEntityRef(entity),
      service: scope.service,
      readAt: new Date(now()).toISOString(),
      nats: connection.health(),
      ...read,
    };
    res.json(body);
  });

  /** GET /backlog/history?entityRef=&window=1h|24h */
  router.get('/backlog/history', async (req, res) => {
    const query = parse(historyQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    const entity = await access.entity(query.entityRef, credentials);
    const scope = scopeOf(entity);
    const declared = await access.declaredContainers(entity, credentials);
    const to = now();
    const from = to - BACKLOG_WINDOWS[query.window];
    const consumers = scope.streams.flatMap(stream =>
      stream.consumers.map(consumer => ({ stream, consumer })),
    );
    const sampled = await backlog.store.history({
      streams: scope.streams.map(s => s.stream),
      consumers: consumers.map(c => ({
        stream: c.stream.stream,
        consumer: c.consumer.name,
      })),
      from,
      to,
      maxPoints: MAX_HISTORY_POINTS,
    });
    const body: BacklogHistory = {
      entityRef: stringifyEntityRef(entity),
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      intervalSeconds: settings.intervalSeconds,
      nats: connection.health(),
      streams: scope.streams.map(s => ({
        stream: s.stream,
        ...(s.region ? { region: s.region } : {}),
        points: sampled.streams.get(s.stream) ?? [],
      })),
      consumers: consumers.map(
        ({ stream, consumer }): ConsumerHistorySeries => {
          const { threshold } = resolveThreshold({
            consumer,
            declared: consumer.container
              ? declared.get(consumer.container)
              : undefined,
          });
          return {
            stream: stream.stream,
            ...(stream.region ? { region: stream.region } : {}),
            consumer: consumer.name,
            ...(consumer.container ? { container: consumer.container } : {}),
            ...(threshold ? { threshold } : {}),
            itemsPerMessage: consumer.itemsPerMessage,
            points:
              sampled.consumers.get(`${stream.stream}/${consumer.name}`) ?? [],
          };
        },
      ),
    };
    res.json(body);
  });

  /** GET /poison?entityRef=&limit= */
  router.get('/poison', async (req, res) => {
    const query = parse(poisonQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    const entity = await access.entity(query.entityRef, credentials);
    const scope = scopeOf(entity);
    const items = await backlog.store.listPoison({
      consumers: scope.streams.flatMap(s =>
        s.consumers.map(c => ({ stream: s.stream, consumer: c.name })),
      ),
      limit: query.limit,
    });
    const body: PoisonList = {
      entityRef: stringifyEntityRef(entity),
      nats: connection.health(),
      items,
    };
    res.json(body);
  });

  /** GET /sagas?state=&region=&minAgeSeconds=&limit=&offset= */
  router.get('/sagas', async (req, res) => {
    const query = parse(sagaQuery, req.query);
    await access.require(
      serviceOpsSagaReadPermission,
      await httpAuth.credentials(req),
    );
    const { items, totalCount } = await backlog.sagas.list(query, clock());
    const body: SagaList = {
      items,
      totalCount,
      limit: query.limit,
      offset: query.offset,
      nats: connection.health(),
      projector: await backlog.projector.status(),
    };
    res.json(body);
  });

  /** GET /sagas/counts */
  router.get('/sagas/counts', async (req, res) => {
    parse(emptyQuery, req.query);
    await access.require(
      serviceOpsSagaReadPermission,
      await httpAuth.credentials(req),
    );
    const body: SagaCounts = {
      ...(await backlog.sagas.counts(clock())),
      nats: connection.health(),
      projector: await backlog.projector.status(),
    };
    res.json(body);
  });

  /** GET /sagas/malformed?limit=&offset= */
  router.get('/sagas/malformed', async (req, res) => {
    const query = parse(pageQuery, req.query);
    await access.require(
      serviceOpsSagaReadPermission,
      await httpAuth.credentials(req),
    );
    const body: MalformedSagaEventList = await backlog.sagas.listMalformed(
      query,
    );
    res.json(body);
  });

  /** POST /sagas/rebuild: 202 with the rebuild's status; GET it to follow. */
  router.post('/sagas/rebuild', async (req, res) => {
    parse(emptyQuery, req.query);
    await access.require(
      serviceOpsSagaRebuildPermission,
      await httpAuth.credentials(req),
    );
    res.status(202).json({ rebuild: await backlog.projector.rebuild() });
  });

  /** GET /sagas/rebuild: the last rebuild's status, if any. */
  router.get('/sagas/rebuild', async (req, res) => {
    parse(emptyQuery, req.query);
    await access.require(
      serviceOpsSagaReadPermission,
      await httpAuth.credentials(req),
    );
    const { rebuild } = await backlog.projector.status();
    res.json(rebuild ? { rebuild } : {});
  });

  /** GET /sagas/:id */
  router.get('/sagas/:id', async (req, res) => {
    parse(emptyQuery, req.query);
    const id = parse(sagaId, req.params.id);
    await access.require(
      serviceOpsSagaReadPermission,
      await httpAuth.credentials(req),
    );
    const instance = await backlog.sagas.get(id, clock());
    if (!instance) throw new NotFoundError(`no publish saga ${id}`);
    const body: SagaInstanceResponse = {
      instance,
      nats: connection.health(),
      projector: await backlog.projector.status(),
    };
    res.json(body);
  });

  return router;
}
