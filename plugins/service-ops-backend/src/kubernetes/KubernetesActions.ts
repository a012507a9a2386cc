import https from 'node:https';
import http from 'node:http';
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  V1Eviction,
} from '@kubernetes/client-node';
import { ClusterConnection } from '../config/readClusters';
import { kubeConfigFor } from './kubeConfigFor';

/** How an eviction went. */
export type EvictionResult =
  | { result: 'evicted' }
  /** The API server refused for now (429: a PodDisruptionBudget); try again later. */
  | { result: 'blocked'; message: string }
  /** The pod does not exist (any more). */
  | { result: 'gone' };

/** A custom.metrics.k8s.io MetricValueList, as much of it as we read. */
interface MetricValueList {
  items?: Array<{
    describedObject?: { name?: string };
    value?: string;
  }>;
}

function apiMessage(error: ApiException<unknown>): string {
  const body = error.body;
  if (typeof body === 'string') {
    try {
      const parsed = JSON.parse(body);
      if (typeof parsed?.message === 'string') return parsed.message;
    } catch {
      return body;
    }
  }
  if (body && typeof body === 'object' && 'message' in body)
    return String((body as { message: unknown }).message);
  return error.message;
}

/** A quantity as the metrics adapters write it ("1500m", "42"). */
function metricValue(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /^(-?\d+(?:\.\d+)?)(m|k|M)?$/.exec(text);
  if (!match) return undefined;
  const scale = { m: 1e-3, k: 1e3, M: 1e6 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * scale;
}

/**
 * The writes and on-demand reads operations make against the clusters, through
 * client-node exactly as against a real API server: evictions (policy/v1, dry-run
 * capable) and the pods' custom metrics (custom.metrics.k8s.io, as served by a metrics
 * adapter). Credentials stay in this backend.
 */
export class KubernetesActions {
  private readonly configs = new Map<string, KubeConfig>();

  constructor(clusters: ClusterConnection[]) {
    for (const cluster of clusters)
      this.configs.set(cluster.name, kubeConfigFor(cluster));
  }

  clusters(): string[] {
    return [...this.configs.keys()];
  }

  private config(cluster: string): KubeConfig {
    const kc = this.configs.get(cluster);
    if (!kc) throw new Error(`no cluster named ${cluster} is configured`);
    return kc;
  }

  /** Evicts a pod through the Eviction API; `dryRun` asks the server with `dryRun=All`. */
  async evict(options: {
    cluster: string;
    namespace: string;
    pod: string;
    dryRun?: boolean;
  }): Promise<EvictionResult> {
    const core = this.config(options.cluster).makeApiClient(CoreV1Api);
    const body: V1Eviction = {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: options.pod, namespace: options.namespace },
    };
    try {
      await core.createNamespacedPodEviction({
        name: options.pod,
        namespace: options.namespace,
        body,
        ...(options.dryRun ? { dryRun: 'All' } : {}),
      });
      return { result: 'evicted' };
    } catch (error) {
      if (error instanceof ApiException) {
        if (error.code === 429)
          return { result: 'blocked', message: apiMessage(error) };
        if (error.code === 404) return { result: 'gone' };
        throw new Error(
          `the API server of ${options.cluster} refused to evict ${
            options.namespace
          }/${options.pod} (${error.code}): ${apiMessage(error)}`,
        );
      }
      throw error;
    }
  }

  /**
   * A Pods metric of the pods matching a label selector, from custom.metrics.k8s.io
   * (`GET /apis/custom.metrics.k8s.io/v1beta1/namespaces/{ns}/pods/*\/{metric}`).
   * Resolves `undefined` when the cluster serves no such metric.
   */
  async podMetric(options: {
    cluster: string;
    namespace: string;
    metric: string;
    labelSelector: string;
  }): Promise<Map<string, number> | undefined> {
    const kc = this.config(options.cluster);
    const server = kc.getCurrentCluster()!.server;
    const url = new URL(
      `/apis/custom.metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(
        options.namespace,
      )}/pods/*/${encodeURIComponent(options.metric)}`,
      server,
    );
    url.searchParams.set('labelSelector', options.labelSelector);
    const requestOptions: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(requestOptions);
    const { status, text } = await new Promise<{
      status: number;
      text: string;
    }>((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(
        url,
        { ...requestOptions, method: 'GET', timeout: 10_000 },
        response => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', chunk => (body += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: body }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () =>
        request.destroy(new Error('the metrics request timed out')),
      );
      request.on('error', reject);
      request.end();
    });
    if (status === 404) return undefined;
    if (status !== 200)
      throw new Error(
        `custom.metrics.k8s.io of ${options.cluster} answered ${status} for ${options.metric}`,
      );
    const list = JSON.parse(text) as MetricValueList;
    const values = new Map<string, number>();
    for (const item of list.items ?? []) {
      const name = item.describedObject?.name;
      const value = metricValue(item.value);
      if (name && value !== undefined) values.set(name, value);
    }
    return values;
  }
}
