import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  EntitySnapshot,
  ScalingHistory,
} from '@internal/backstage-plugin-service-ops-common';
import type {
  GetHistoryOptions,
  GetSnapshotOptions,
  ServiceOpsApi,
} from './ServiceOpsApi';

/** Talks to the service-ops backend with the signed-in user's token. */
export class ServiceOpsClient implements ServiceOpsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getSnapshot(options: GetSnapshotOptions): Promise<EntitySnapshot> {
    return this.get('snapshot', { entityRef: options.entityRef });
  }

  getHistory(options: GetHistoryOptions): Promise<ScalingHistory> {
    return this.get('history', {
      entityRef: options.entityRef,
      window: options.window,
      container: options.container,
      cluster: options.cluster,
    });
  }

  private async get<T>(
    path: string,
    query: Record<string, string | undefined>,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('service-ops');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) params.set(key, value);
    }
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}?${params}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
