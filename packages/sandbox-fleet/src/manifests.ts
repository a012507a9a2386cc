import type { KubeObject } from '@internal/k8s-emulator';
import type { DeclaredTrigger } from '@internal/backstage-plugin-catalog-backend-module-service-ops';
import { RegionName } from './regions';
import { ServiceModel } from './services';

export interface Manifest {
  group: string;
  version: string;
  resource: string;
  object: KubeObject;
}

/**
 * Where a region deliberately departs from the documents, so that the demo has drift to
 * find (documented in docs/sandbox.md).
 */
export const DRIFT: Record<
  string,
  {
    maxReplicas?: Record<string, number>;
    notDeployed?: string[];
    memoryLimit?: Record<string, string>;
    /** Workloads that run in the region but that no document declares, by service. */
    undeclared?: Record<string, string[]>;
  }
> = {
  me: { maxReplicas: { 'content-bundler': 40 } },
  ap: { notDeployed: ['content-exporter'] },
  eu: { memoryLimit: { 'authoring-worker': '2Gi' } },
  us: { undeclared: { 'content-service': ['content-debug-shell'] } },
};

/** Pods metrics (custom.metrics.k8s.io) are named after the document's metric, snake_case. */
export const podMetricName = (metric: string) => metric.replace(/-/g, '_');

/** The JetStream stream a queue-driven container's KEDA trigger watches. */
export const streamName = (container: string, metric: string) =>
  `${container}-${metric}`;

const labelsOf = (service: ServiceModel, container: string) => ({
  app: container,
  'app.kubernetes.io/name': container,
  'app.kubernetes.io/part-of': service.name,
  'backstage.io/kubernetes-id': container,
});

/** The workloads of one service in one region, as its topology document declares them. */
export function buildManifests(
  service: ServiceModel,
  region: RegionName,
): Manifest[] {
  const { document, namespace } = service;
  const drift = DRIFT[region] ?? {};
  const manifests: Manifest[] = [
    {
      group: '',
      version: 'v1',
      resource: 'namespaces',
      object: {
        metadata: {
          name: namespace,
          labels: { 'app.kubernetes.io/part-of': service.name },
        },
      },
    },
  ];
  for (const container of document.containers) {
    if (drift.notDeployed?.includes(container.name)) continue;
    const scaling = document.scaling.find(s => s.container === container.name);
    const declared = document.resources.find(
      r => r.container === container.name,
    );
    const labels = labelsOf(service, container.name);
    const min = scaling?.min ?? 1;
    const max = drift.maxReplicas?.[container.name] ?? scaling?.max ?? min;
    const memoryLimit =
      drift.memoryLimit?.[container.name] ?? declared?.memory.limit.text;
    const resources = declared
      ? {
          requests: {
            cpu: declared.cpu.request.text,
            memory: declared.memory.request.text,
          },
          limits: { cpu: declared.cpu.limit.text, memory: memoryLimit },
        }
      : undefined;
    const template = {
      metadata: { labels },
      spec: {
        ...(container.name === 'authoring-collab'
          ? { terminationGracePeriodSeconds: 330 }
          : {}),
        containers: [
          {
            name: container.name,
            image: `registry.learning.example/${service.name}/${container.name}:2026.11.1`,
            ports:
              container.type === 'worker'
                ? []
                : [{ containerPort: 8080, name: 'http' }],
            ...(resources ? { resources } : {}),
          },
        ],
      },
    };
    const metadata = {
      name: container.name,
      namespace,
      labels,
      annotations: { 'service-ops.io/purpose': container.purpose },
    };
    const spec = {
      replicas: min,
      selector: { matchLabels: { app: container.name } },
      template,
    };
    if (container.name === 'content-api') {
      manifests.push({
        group: 'argoproj.io',
        version: 'v1alpha1',
        resource: 'rollouts',
        object: {
          metadata,
          spec: {
            ...spec,
            strategy: {
              canary: {
                steps: [
                  { setWeight: 10 },
                  { pause: {} },
                  { setWeight: 50 },
                  { pause: {} },
                  { setWeight: 100 },
                ],
              },
            },
          },
        },
      });
    } else if (container.name === 'authoring-api') {
      manifests.push({
        group: 'argoproj.io',
        version: 'v1alpha1',
        resource: 'rollouts',
        object: {
          metadata,
          spec: {
            ...spec,
            strategy: {
              blueGreen: {
                activeService: 'authoring-api',
                previewService: 'authoring-api-preview',
                autoPromotionEnabled: false,
                scaleDownDelaySeconds: 30,
              },
            },
          },
        },
      });
      manifests.push(
        serviceFor('authoring-api-preview', namespace, labels, container.name),
      );
    } else {
      manifests.push({
        group: 'apps',
        version: 'v1',
        resource: 'deployments',
        object: {
          metadata,
          spec: {
            ...spec,
            strategy:
              container.name === 'authoring-collab'
                ? { type: 'Recreate' }
                : {
                    type: 'RollingUpdate',
                    rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 },
                  },
          },
        },
      });
    }
    if (container.type !== 'worker')
      manifests.push(
        serviceFor(container.name, namespace, labels, container.name),
      );
    manifests.push({
      group: 'policy',
      version: 'v1',
      resource: 'poddisruptionbudgets',
      object: {
        metadata: { name: container.name, namespace, labels },
        spec: {
          maxUnavailable: 1,
          selector: { matchLabels: { app: container.name } },
        },
      },
    });
    if (scaling)
      manifests.push(
        ...autoscalerFor(
          service,
          container.name,
          scaling.triggers,
          min,
          max,
          labels,
        ),
      );
  }
  for (const name of drift.undeclared?.[service.name] ?? []) {
    const labels = labelsOf(service, name);
    manifests.push({
      group: 'apps',
      version: 'v1',
      resource: 'deployments',
      object: {
        metadata: { name, namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: name } },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name,
                  image: `registry.learning.example/${service.name}/${name}:debug`,
                  resources: {
                    requests: { cpu: '100m', memory: '128Mi' },
                    limits: { cpu: '500m', memory: '256Mi' },
                  },
                },
              ],
            },
          },
        },
      },
    });
  }
  return manifests;
}

function serviceFor(
  name: string,
  namespace: string,
  labels: Record<string, string>,
  app: string,
): Manifest {
  return {
    group: '',
    version: 'v1',
    resource: 'services',
    object: {
      metadata: { name, namespace, labels },
      spec: {
        selector: { app },
        ports: [{ name: 'http', port: 80, targetPort: 8080 }],
        type: 'ClusterIP',
      },
    },
  };
}

/**
 * CPU and per-pod triggers become an HPA (Resource and Pods metrics); totals over a
 * queue or backlog become a KEDA ScaledObject on the NATS JetStream stream, which owns
 * its `keda-hpa-<name>` HPA with an External metric.
 */
function autoscalerFor(
  service: ServiceModel,
  container: string,
  triggers: DeclaredTrigger[],
  min: number,
  max: number,
  labels: Record<string, string>,
): Manifest[] {
  const kind = ['content-api', 'authoring-api'].includes(container)
    ? { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: container }
    : { apiVersion: 'apps/v1', kind: 'Deployment', name: container };
  const totals = triggers.filter(t => t.basis === 'total');
  if (totals.length) {
    return [
      {
        group: 'keda.sh',
        version: 'v1alpha1',
        resource: 'scaledobjects',
        object: {
          metadata: { name: container, namespace: service.namespace, labels },
          spec: {
            scaleTargetRef: kind,
            minReplicaCount: min,
            maxReplicaCount: max,
            pollingInterval: 15,
            triggers: totals.map(t => ({
              type: 'nats-jetstream',
              metricType: 'Value',
              metadata: {
                natsServerMonitoringEndpoint: 'nats.learning.svc:8222',
                account: '$G',
                stream: streamName(container, t.metric),
                consumer: `${container}-worker`,
                lagThreshold: String(t.threshold),
              },
            })),
          },
        },
      },
    ];
  }
  return [
    {
      group: 'autoscaling',
      version: 'v2',
      resource: 'horizontalpodautoscalers',
      object: {
        metadata: { name: container, namespace: service.namespace, labels },
        spec: {
          scaleTargetRef: kind,
          minReplicas: min,
          maxReplicas: max,
          metrics: triggers.map(t =>
            t.basis === 'percent'
              ? {
                  type: 'Resource',
                  resource: {
                    name: t.metric,
                    target: {
                      type: 'Utilization',
                      averageUtilization: t.threshold,
                    },
                  },
                }
              : {
                  type: 'Pods',
                  pods: {
                    metric: { name: podMetricName(t.metric) },
                    target: {
                      type: 'AverageValue',
                      averageValue: String(t.threshold),
                    },
                  },
                },
          ),
        },
      },
    },
  ];
}
