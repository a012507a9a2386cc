import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  BacklogHistory,
  EntityBacklog,
  EntitySnapshot,
  PoisonList,
  SagaCounts,
  SagaInstanceResponse,
  SagaList,
  ScalingHistory,
} from '@internal/backstage-plugin-service-ops-common';
import type {
  GetBacklogHistoryOptions,
  GetBacklogOptions,
  GetHistoryOptions,
  GetPoisonOptions,
  GetSagaOptions,
  GetSagasOptions,
  GetSnapshotOptions,
  ServiceOpsApi,
} from './ServiceOpsApi';

function optionalNumber(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

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

  getBacklog(options: GetBacklogOptions): Promise<EntityBacklog> {
    return this.get('backlog', { entityRef: options.entityRef });
  }

  getBacklogHistory(
    options: GetBacklogHistoryOptions,
  ): Promise<BacklogHistory> {
    return this.get('backlog/history', {
      entityRef: options.entityRef,
      window: options.window,
    });
  }

  getPoison(options: GetPoisonOptions): Promise<PoisonList> {
    return this.get('poison', {
      entityRef: options.entityRef,
      limit: optionalNumber(options.limit),
    });
  }

  getSagas(options: GetSagasOptions): Promise<SagaList> {
    return this.get('sagas', {
      state: options.state,
      region: options.region,
      minAgeSeconds: optionalNumber(options.minAgeSeconds),
      limit: optionalNumber(options.limit),
      offset: optionalNumber(options.offset),
    });
  }

  getSagaCounts(): Promise<SagaCounts> {
    return this.get('sagas/counts', {});
  }

  getSaga(options: GetSagaOptions): Promise<SagaInstanceResponse> {
    return this.get(`sagas/${encodeURIComponent(options.id)}`, {});
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
