import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  readDeclaredContainer,
  ScalingHistory,
} from '@internal/backstage-plugin-service-ops-common';
import {
  DeclaredModel,
  LiveStateService,
} from './kubernetes/KubernetesLiveState';
import { ScalingHistoryStore } from './history/ScalingHistoryStore';
import { LiveStatePublisher } from './signals/LiveStatePublisher';
import { snapshotGzip, snapshotJson } from './snapshotJson';
import { normalisedEntityRef, readableEntity } from './readableEntity';
import { entityRefParam, parse } from './validation';

const snapshotQuery = z.object({ entityRef: entityRefParam }).strict();

export const WINDOWS = {
  '1h': 3600_000,
  '6h': 6 * 3600_000,
  '24h': 24 * 3600_000,
} as const;

const historyQuery = z
  .object({
    entityRef: entityRefParam,
    window: z
      .enum(['1h', '6h', '24h'], { error: 'window must be one of 1h, 6h, 24h' })
      .default('1h'),
    container: z.string().min(1).optional(),
    cluster: z.string().min(1).optional(),
  })
  .strict();

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  liveState: LiveStateService;
  history: ScalingHistoryStore;
  publisher: LiveStatePublisher;
  now?: () => number;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, liveState, history, publisher } =
    options;
  const now = options.now ?? Date.now;
  const router = Router();
  router.use(express.json());

  /**
   * The entity (see readableEntity) and the containers the topology document declares
   * for it: itself, or its parts. The parts are asked for at the same time as the entity
   * (unused when it is a container itself): a read waits for one round of catalog and
   * permission answers, not for three in a row.
   */
  async function readableWithModel(
    refText: string,
    credentials: BackstageCredentials,
  ): Promise<{ entity: Entity; declared: DeclaredModel[] }> {
    const entityRef = normalisedEntityRef(refText);
    const [entity, parts] = await Promise.all([
      readableEntity({ refText: entityRef, credentials, catalog, permissions }),
      catalog.getEntities(
        { filter: { [`relations.${RELATION_PART_OF}`]: entityRef } },
        { credentials },
      ),
    ]);
    const own = readDeclaredContainer(entity);
    if (own.kind === 'container')
      return {
        entity,
        declared: [
          { entityRef: stringifyEntityRef(entity), container: own.container },
        ],
      };
    return {
      entity,
      declared: parts.items.flatMap(part => {
        const declared = readDeclaredContainer(part);
        return declared.kind === 'container'
          ? [
              {
                entityRef: stringifyEntityRef(part),
                container: declared.container,
              },
            ]
          : [];
      }),
    };
  }

  /** GET /snapshot?entityRef=component:default/authoring-api */
  router.get('/snapshot', async (req, res) => {
    const query = parse(snapshotQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    const { entity, declared } = await readableWithModel(
      query.entityRef,
      credentials,
    );
    const snapshot = liveState.snapshot(entity, declared);
    // Later changes to it are pushed (rebuilt from memory with the model read now; the signal
    // carries no live data, clients refetch through this endpoint).
    publisher.watch(snapshot, () => liveState.snapshot(entity, declared));
    // Between cluster changes, reads share one assembly and its serialised and compressed
    // forms. A body already gzipped passes the root router's compression untouched.
    res.type('application/json').vary('Accept-Encoding');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip')
      res.set('Content-Encoding', 'gzip').send(snapshotGzip(snapshot));
    else res.send(snapshotJson(snapshot));
  });

  /** GET /history?entityRef=…&window=1h|6h|24h[&container=…][&cluster=…] */
  router.get('/history', async (req, res) => {
    const query = parse(historyQuery, req.query);
    const credentials = await httpAuth.credentials(req);
    const { entity, declared } = await readableWithModel(
      query.entityRef,
      credentials,
    );
    const snapshot = liveState.snapshot(entity, declared);
    const known = snapshot.containers.map(c => c.container);
    if (query.container && !known.includes(query.container)) {
      throw new InputError(
        `container '${query.container}' is not part of ${
          snapshot.entityRef
        } (known: ${known.join(', ') || 'none'})`,
      );
    }
    const clusters = snapshot.clusters.map(c => c.name);
    if (query.cluster && !clusters.includes(query.cluster)) {
      throw new InputError(
        `cluster '${query.cluster}' is not configured (known: ${clusters.join(
          ', ',
        )})`,
      );
    }
    const to = now();
    const from = to - WINDOWS[query.window];
    const result: ScalingHistory = {
      entityRef: snapshot.entityRef,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      samples: await history.query({
        containers: query.container ? [query.container] : known,
        clusters: query.cluster ? [query.cluster] : undefined,
        from,
        to,
      }),
    };
    res.json(result);
  });

  return router;
}
