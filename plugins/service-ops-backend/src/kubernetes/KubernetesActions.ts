import https from 'node:https';
import http from 'node:http';
import {
  ApiException,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1Eviction,
} from '@kubernetes/client-node';
import { ClusterConnection } from '../config/readClusters';
import { kubeConfigFor } from './kubeConfigFor';
import { ArgoPatches } from './argoPatches';
import type { ArgoRollout } from './wireTypes';

/** How a rollout patch went. */
export type RolloutPatchResult =
  | { result: 'patched'; rollout: ArgoRollout; sent: Array<'status' | 'spec'> }
  /** 409: the rollout changed since it was read (the compare-and-set failed). */
  | { result: 'conflict'; message: string }
  | { result: 'gone' };

const ROLLOUTS = {
  group: 'argoproj.io',
  version: 'v1alpha1',
  plural: 'rollouts',
} as const;

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

  /** An Argo Rollout as the API server has it now (not from the watch cache). */
  async getRollout(options: {
    cluster: string;
    namespace: string;
    name: string;
  }): Promise<ArgoRollout | undefined> {
    const custom = this.config(options.cluster).makeApiClient(CustomObjectsApi);
    try {
      return (await custom.getNamespacedCustomObject({
        ...ROLLOUTS,
        namespace: options.namespace,
        name: options.name,
      })) as ArgoRollout;
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw this.apiError(error, options, 'read');
    }
  }

  /**
   * Sends an action's patches as `kubectl argo rollouts` does (see `argoPatches`): the
   * status subresource first, then the spec patch; on 404 from the status subresource
   * the unified patch to the main resource instead. Each body carries `resourceVersion`
   * as a precondition: 409 when the rollout changed since it was read.
   */
  async patchRollout(options: {
    cluster: string;
    namespace: string;
    name: string;
    resourceVersion: string;
    patches: ArgoPatches;
  }): Promise<RolloutPatchResult> {
    const custom = this.config(options.cluster).makeApiClient(CustomObjectsApi);
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    const target = {
      ...ROLLOUTS,
      namespace: options.namespace,
      name: options.name,
    };
    let resourceVersion = options.resourceVersion;
    const withPrecondition = (body: Record<string, unknown>) => ({
      ...body,
      metadata: { resourceVersion },
    });
    const sent: Array<'status' | 'spec'> = [];
    let rollout: ArgoRollout | undefined;
    let spec = options.patches.spec;
    try {
      if (options.patches.status) {
        try {
          rollout = (await custom.patchNamespacedCustomObjectStatus(
            { ...target, body: withPrecondition(options.patches.status) },
            merge,
          )) as ArgoRollout;
          sent.push('status');
          resourceVersion =
            rollout.metadata?.resourceVersion ?? resourceVersion;
        } catch (error) {
          if (!(error instanceof ApiException) || error.code !== 404)
            throw error;
          // No status subresource (Argo Rollouts v0.9): status lives in the main resource.
          if (!(await this.getRollout(options))) return { result: 'gone' };
          spec = options.patches.unified;
        }
      }
      if (spec) {
        rollout = (await custom.patchNamespacedCustomObject(
          { ...target, body: withPrecondition(spec) },
          merge,
        )) as ArgoRollout;
        sent.push('spec');
      }
    } catch (error) {
      if (error instanceof ApiException && error.code === 409)
        return { result: 'conflict', message: apiMessage(error) };
      if (error instanceof ApiException && error.code === 404)
        return { result: 'gone' };
      throw this.apiError(error, options, 'patch');
    }
    if (!rollout) {
      const current = await this.getRollout(options);
      if (!current) return { result: 'gone' };
      rollout = current;
    }
    return { result: 'patched', rollout, sent };
  }

  private apiError(
    error: unknown,
    options: { cluster: string; namespace: string; name: string },
    verb: string,
  ): Error {
    if (error instanceof ApiException)
      return new Error(
        `the API server of ${options.cluster} refused to ${verb} rollout ${
          options.namespace
        }/${options.name} (${error.code}): ${apiMessage(error)}`,
      );
    return error instanceof Error ? error : new Error(String(error));
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
