import { Entity } from '@backstage/catalog-model';

/** The entity both plugins are asked about, and its workload's names. */
export const BENCH = {
  name: 'bench-api',
  namespace: 'bench',
  entityRef: 'component:default/bench-api',
} as const;

/** Container resources of the workload, as the entity declares and the Deployment sets. */
const CPU_REQUEST = { text: '100m', value: 0.1 };
const CPU_LIMIT = { text: '500m', value: 0.5 };
const MEMORY_REQUEST = { text: '128Mi', value: 128 * 2 ** 20 };
const MEMORY_LIMIT = { text: '256Mi', value: 256 * 2 ** 20 };

/**
 * The catalog entity: annotated for both plugins (`backstage.io/kubernetes-id`, and the
 * namespace, as the fleet's services are) and declaring its container the way the
 * topology catalog module does, so that our drift check has real work too.
 */
export function benchEntity(options: { min: number; max: number }): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: BENCH.name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': BENCH.name,
        'backstage.io/kubernetes-namespace': BENCH.namespace,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/bench-team',
      lifecycle: 'production',
      serviceOps: {
        service: 'bench',
        container: BENCH.name,
        scaling: {
          min: options.min,
          max: options.max,
          triggers: [
            {
              metric: 'cpu',
              metricText: 'CPU',
              comparison: '>',
              threshold: 60,
              basis: 'percent',
            },
          ],
          text: `${options.min}-${options.max} pods, CPU > 60%`,
          source: 'benchmark',
        },
        resources: {
          cpu: { request: CPU_REQUEST, limit: CPU_LIMIT },
          memory: { request: MEMORY_REQUEST, limit: MEMORY_LIMIT },
          source: 'benchmark',
        },
      },
    },
  };
}

/** A Kubernetes object to create, with the resource it is created as. */
export interface BenchManifest {
  group: string;
  version: string;
  resource: string;
  object: {
    metadata: {
      name: string;
      namespace?: string;
      labels?: Record<string, string>;
    };
    spec?: Record<string, unknown>;
    data?: Record<string, string>;
  };
}

/**
 * One cluster's objects for the entity: namespace, Deployment of `replicas` pods (a
 * typical container: ports, env, probes, requests and limits), HPA, PDB, Service and
 * ConfigMap. The pods themselves are made by the emulator's controllers.
 */
export function benchManifests(options: {
  replicas: number;
  min: number;
  max: number;
}): BenchManifest[] {
  const { name, namespace } = BENCH;
  const labels = { 'backstage.io/kubernetes-id': name, app: name };
  return [
    {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      object: { metadata: { name: namespace } },
    },
    {
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      object: {
        metadata: { name, namespace, labels },
        spec: {
          replicas: options.replicas,
          selector: { matchLabels: { app: name } },
          strategy: {
            type: 'RollingUpdate',
            rollingUpdate: { maxSurge: '25%', maxUnavailable: '10%' },
          },
          template: {
            metadata: { labels },
            spec: {
              terminationGracePeriodSeconds: 30,
              containers: [
                {
                  name,
                  image: 'registry.example.com/bench/bench-api:1.42.0',
                  ports: [
                    { name: 'http', containerPort: 8080 },
                    { name: 'metrics', containerPort: 9090 },
                  ],
                  env: [
                    { name: 'NODE_ENV', value: 'production' },
                    { name: 'PORT', value: '8080' },
                    { name: 'LOG_LEVEL', value: 'info' },
                    {
                      name: 'DATABASE_URL',
                      valueFrom: {
                        secretKeyRef: { name: 'bench-api-db', key: 'url' },
                      },
                    },
                  ],
                  resources: {
                    requests: {
                      cpu: CPU_REQUEST.text,
                      memory: MEMORY_REQUEST.text,
                    },
                    limits: { cpu: CPU_LIMIT.text, memory: MEMORY_LIMIT.text },
                  },
                  readinessProbe: {
                    httpGet: { path: '/ready', port: 'http' },
                    periodSeconds: 5,
                  },
                  livenessProbe: {
                    httpGet: { path: '/health', port: 'http' },
                    periodSeconds: 10,
                  },
                },
              ],
            },
          },
        },
      },
    },
    {
      group: 'autoscaling',
      version: 'v2',
      resource: 'horizontalpodautoscalers',
      object: {
        metadata: { name, namespace, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
          minReplicas: options.min,
          maxReplicas: options.max,
          metrics: [
            {
              type: 'Resource',
              resource: {
                name: 'cpu',
                target: { type: 'Utilization', averageUtilization: 60 },
              },
            },
          ],
        },
      },
    },
    {
      group: 'policy',
      version: 'v1',
      resource: 'poddisruptionbudgets',
      object: {
        metadata: { name, namespace, labels },
        spec: { maxUnavailable: '10%', selector: { matchLabels: labels } },
      },
    },
    {
      group: '',
      version: 'v1',
      resource: 'services',
      object: {
        metadata: { name, namespace, labels },
        spec: {
          selector: { app: name },
          ports: [{ name: 'http', port: 80, targetPort: 'http' }],
        },
      },
    },
    {
      group: '',
      version: 'v1',
      resource: 'configmaps',
      object: {
        metadata: { name: `${name}-config`, namespace, labels },
        data: { 'features.json': '{"search":true,"export":false}' },
      },
    },
  ];
}
