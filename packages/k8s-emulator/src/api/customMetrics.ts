import type { Clock } from '../controllers/Clock';
import { timestamp } from '../controllers/Clock';
import type { MetricsProvider } from '../controllers/context';
import { canonicalQuantity } from '../store/canonicalQuantities';
import type { ObjectStore } from '../store/ObjectStore';
import { findType } from './resources';
import { matchesLabels, parseLabelSelector } from './selectors';
import { ApiError } from './status';

export const CUSTOM_METRICS_GROUP = 'custom.metrics.k8s.io';
export const CUSTOM_METRICS_VERSION = 'v1beta1';
export const CUSTOM_METRICS_GROUP_VERSION = `${CUSTOM_METRICS_GROUP}/${CUSTOM_METRICS_VERSION}`;

/** Where the emulator's custom.metrics.k8s.io answers come from. */
export interface CustomMetricsSource {
  /** The Pods metrics the HPA controller reads (the cluster's load model). */
  provider: MetricsProvider;
  /** Simulated time of the values. */
  clock: Clock;
}

/** One value of a `MetricValueList`, as the Prometheus adapter writes it. */
export interface MetricValue {
  describedObject: {
    kind: 'Pod';
    namespace: string;
    name: string;
    apiVersion: '/v1';
  };
  metricName: string;
  timestamp: string;
  value: string;
}

export interface MetricValueList {
  kind: 'MetricValueList';
  apiVersion: typeof CUSTOM_METRICS_GROUP_VERSION;
  metadata: Record<string, never>;
  items: MetricValue[];
}

const PODS = findType('', 'v1', 'pods')!;
const PATH = new RegExp(
  `^/apis/${CUSTOM_METRICS_GROUP.replace(
    /\./g,
    '\\.',
  )}/${CUSTOM_METRICS_VERSION}/namespaces/([^/]+)/pods/([^/]+)/([^/]+)$`,
);

/** True for every path under `/apis/custom.metrics.k8s.io/v1beta1/`. */
export function isCustomMetricsPath(path: string): boolean {
  return path.startsWith(`/apis/${CUSTOM_METRICS_GROUP_VERSION}/`);
}

/**
 * The APIResourceList of custom.metrics.k8s.io/v1beta1: one `pods/<metric>` per Pods
 * metric the provider names, as the adapter lists the series it discovered.
 */
export function customMetricsResourceList(source: CustomMetricsSource) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: CUSTOM_METRICS_GROUP_VERSION,
    resources: (source.provider.podMetricNames?.() ?? []).map(metric => ({
      name: `pods/${metric}`,
      singularName: '',
      namespaced: true,
      kind: 'MetricValueList',
      verbs: ['get'],
    })),
  };
}

/** `1333` for whole values, milli-units otherwise (`1500m`), as the adapter's quantities. */
function metricQuantity(value: number): string {
  return canonicalQuantity(`${Math.round(value * 1000)}m`);
}

/**
 * Answers `GET /apis/custom.metrics.k8s.io/v1beta1/namespaces/{ns}/pods/{name|*}/{metric}`
 * as the Prometheus adapter does: a `MetricValueList` of the Running pods (matching the
 * `labelSelector` for `*`) that report the metric, by name; for a named pod a list of
 * one, or 404 when it does not report it; 404 for a metric the provider does not know.
 * `path` is the decoded path (client-node sends `*` and `/` encoded in one segment).
 */
export function getCustomMetric(options: {
  source: CustomMetricsSource;
  store: ObjectStore;
  path: string;
  query: URLSearchParams;
}): MetricValueList {
  const { source, store, path, query } = options;
  const match = PATH.exec(path);
  if (!match) {
    throw new ApiError(
      404,
      `the server could not find the requested resource (${path})`,
    );
  }
  const [, namespace, name, metric] = match;
  const known = source.provider.podMetricNames?.();
  if (known && !known.includes(metric)) {
    throw new ApiError(
      404,
      `the server could not find the metric ${metric} for pods`,
    );
  }
  const now = source.clock.now();
  const selector = query.get('labelSelector');
  const requirements =
    name === '*' && selector ? parseLabelSelector(selector) : [];
  const items: MetricValue[] = [];
  const pods = store
    .scan(PODS, namespace)
    .filter(pod =>
      name === '*'
        ? matchesLabels(requirements, pod.metadata.labels)
        : pod.metadata.name === name,
    )
    .filter(pod => pod.status?.phase === 'Running')
    .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  for (const pod of pods) {
    const value = source.provider.podMetric(pod, metric, now);
    if (value === undefined || !Number.isFinite(value)) continue;
    items.push({
      describedObject: {
        kind: 'Pod',
        namespace,
        name: pod.metadata.name!,
        apiVersion: '/v1',
      },
      metricName: metric,
      timestamp: timestamp(now),
      value: metricQuantity(value),
    });
  }
  if (name !== '*' && !items.length) {
    throw new ApiError(
      404,
      `the server could not find the metric ${metric} for pods ${name}`,
    );
  }
  if (!known && !items.length) {
    // Without a list of names, a metric that no pod reports is unknown.
    throw new ApiError(
      404,
      `the server could not find the metric ${metric} for pods`,
    );
  }
  return {
    kind: 'MetricValueList',
    apiVersion: CUSTOM_METRICS_GROUP_VERSION,
    metadata: {},
    items,
  };
}
