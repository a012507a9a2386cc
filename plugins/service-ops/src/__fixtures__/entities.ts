/**
 * The catalog side of the fixtures: content-service, its three containers with
 * their declared model (as the catalog module generates them), two stores, a
 * neighbour service and three APIs, with the relations the catalog would compute.
 */
import type { Entity } from '@backstage/catalog-model';

const SERVICE = 'component:default/content-service';
const POSTGRES = 'resource:default/content-service-postgres';
const S3_HOT = 'resource:default/content-service-s3-hot';
const CATALOG_SERVICE = 'component:default/catalog-service';
const REST_API = 'api:default/content-rest-api';
const BUILT = 'api:default/content-play-package-built-v1';
const DRAFT_PUBLISHED = 'api:default/authoring-course-draft-published-v1';

const DOC =
  'file:///repo/docs/services/content-service/DEPLOYMENT_TOPOLOGY.md';
const q = (text: string, value: number) => ({ text, value });
const GiB = 2 ** 30;
const MiB = 2 ** 20;

const rel = (type: string, targetRef: string) => ({ type, targetRef });

export const serviceEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'content-service',
    namespace: 'default',
    annotations: {
      'service-ops.io/topology-document': DOC,
      'backstage.io/kubernetes-id': 'content-service',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/content-team',
    providesApis: [REST_API, BUILT],
    consumesApis: [DRAFT_PUBLISHED],
    dependsOn: [POSTGRES, S3_HOT, CATALOG_SERVICE],
  },
  relations: [
    rel('hasPart', 'component:default/content-api'),
    rel('hasPart', 'component:default/content-builder'),
    rel('hasPart', 'component:default/content-bundler'),
    rel('dependsOn', POSTGRES),
    rel('dependsOn', S3_HOT),
    rel('dependsOn', CATALOG_SERVICE),
    rel('providesApi', REST_API),
    rel('providesApi', BUILT),
    rel('consumesApi', DRAFT_PUBLISHED),
  ],
};

function containerEntity(options: {
  name: string;
  type: string;
  dependsOn: string[];
  serviceOps: Record<string, unknown>;
}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: options.name,
      namespace: 'default',
      annotations: { 'backstage.io/kubernetes-id': options.name },
    },
    spec: {
      type: options.type,
      lifecycle: 'production',
      owner: 'group:default/content-team',
      subcomponentOf: SERVICE,
      dependsOn: options.dependsOn,
      serviceOps: {
        service: SERVICE,
        container: options.name,
        ...options.serviceOps,
      },
    },
    relations: [
      rel('partOf', SERVICE),
      ...options.dependsOn.map(ref => rel('dependsOn', ref)),
    ],
  };
}

export const contentApiEntity = containerEntity({
  name: 'content-api',
  type: 'service',
  dependsOn: [POSTGRES],
  serviceOps: {
    scaling: {
      min: 3,
      max: 20,
      triggers: [
        {
          metric: 'cpu',
          metricText: 'CPU',
          comparison: '>',
          threshold: 60,
          basis: 'percent',
        },
      ],
      text: 'CPU > 60%',
      source: `${DOC}#L17`,
    },
    resources: {
      cpu: { request: q('500m', 0.5), limit: q('2000m', 2) },
      memory: { request: q('512Mi', 512 * MiB), limit: q('1.5Gi', 1.5 * GiB) },
      source: `${DOC}#L29`,
    },
  },
});

export const contentBuilderEntity = containerEntity({
  name: 'content-builder',
  type: 'worker',
  dependsOn: [POSTGRES, S3_HOT],
  serviceOps: {
    scaling: {
      min: 2,
      max: 30,
      triggers: [
        {
          metric: 'queue-depth',
          metricText: 'queue depth',
          comparison: '>',
          threshold: 50,
          basis: 'total',
        },
      ],
      text: 'queue depth > 50',
      source: `${DOC}#L18`,
    },
    resources: {
      cpu: { request: q('1000m', 1), limit: q('4000m', 4) },
      memory: { request: q('2Gi', 2 * GiB), limit: q('8Gi', 8 * GiB) },
      note: 'asset processing',
      source: `${DOC}#L30`,
    },
  },
});

export const contentBundlerEntity = containerEntity({
  name: 'content-bundler',
  type: 'worker',
  dependsOn: [S3_HOT],
  serviceOps: {
    scaling: {
      min: 3,
      max: 50,
      triggers: [
        {
          metric: 'queue-depth',
          metricText: 'queue depth',
          comparison: '>',
          // The clusters' KEDA trigger says 200: a threshold that differs.
          threshold: 150,
          basis: 'total',
          note: 'bursty on enrollment spikes',
        },
      ],
      text: 'queue depth > 150',
      source: `${DOC}#L19`,
    },
    resources: {
      cpu: { request: q('500m', 0.5), limit: q('2000m', 2) },
      memory: { request: q('1Gi', GiB), limit: q('2Gi', 2 * GiB) },
      source: `${DOC}#L31`,
    },
  },
});

const resource = (name: string, title: string, type: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default', title },
  spec: { type, owner: 'group:default/content-team' },
});

const api = (name: string, type: string, definition: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: { name, namespace: 'default' },
  spec: {
    type,
    lifecycle: 'production',
    owner: 'group:default/content-team',
    definition,
  },
});

export const otherEntities: Entity[] = [
  resource(
    'content-service-postgres',
    'Postgres (content-service)',
    'database',
  ),
  resource('content-service-s3-hot', 'S3 hot (content-service)', 'object-storage'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'catalog-service', namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner: 'x' },
  },
  api('content-rest-api', 'openapi', 'openapi: 3.0.3\npaths: {}\n'),
  api(
    'content-play-package-built-v1',
    'asyncapi',
    [
      'asyncapi: 2.6.0',
      'info:',
      '  title: content.play_package.built.v1',
      'channels:',
      '  content.play_package.built.v1:',
      '    subscribe: {}',
    ].join('\n'),
  ),
  api(
    'authoring-course-draft-published-v1',
    'asyncapi',
    [
      'asyncapi: 2.6.0',
      'channels:',
      '  authoring.course_draft.published.v1:',
      '    subscribe: {}',
    ].join('\n'),
  ),
];

export const containerEntities = [
  contentApiEntity,
  contentBuilderEntity,
  contentBundlerEntity,
];

/** Everything the catalog holds for the fixtures. */
export const catalogEntities: Entity[] = [
  serviceEntity,
  ...containerEntities,
  ...otherEntities,
];
