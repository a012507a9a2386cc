import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  BacklogHistory,
  CollabDrainPreview,
  EntityBacklog,
  EntityRollout,
  RolloutPreview,
  EntitySnapshot,
  Operation,
  OperationList,
  PoisonList,
  SagaCounts,
  SagaInstanceResponse,
  SagaList,
  ScalingHistory,
} from '@internal/backstage-plugin-service-ops-common';
import type {
  CollabDrainTarget,
  GetBacklogHistoryOptions,
  GetBacklogOptions,
  GetHistoryOptions,
  GetOperationsOptions,
  GetPoisonOptions,
  GetSagaOptions,
  GetSagasOptions,
  GetSnapshotOptions,
  OperationIdOptions,
  ApproveOperationOptions,
  RolloutTarget,
  ServiceOpsApi,
  StartRolloutOptions,
  StartCollabDrainOptions,
} from './ServiceOpsApi';

function optionalNumber(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(value);
}

/** The body fields shared by a drain's preview and its start, without absent ones. */
function drainTarget(options: CollabDrainTarget): CollabDrainTarget {
  return {
    entityRef: options.entityRef,
    cluster: options.cluster,
    ...(options.pods ? { pods: options.pods } : {}),
    ...(options.noticeSeconds !== undefined
      ? { noticeSeconds: options.noticeSeconds }
      : {}),
  };
}

/** The answer's JSON, or a `ResponseError` carrying the backend's error body. */
async function parse<T>(response: Response): Promise<T> {
  if (!response.ok) {
    throw await ResponseError.fromResponse(response);
  }
  return (await response.json()) as T;
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

  previewCollabDrain(options: CollabDrainTarget): Promise<CollabDrainPreview> {
    return this.post('operations/collab-drain/preview', drainTarget(options));
  }

  startCollabDrain(options: StartCollabDrainOptions): Promise<Operation> {
    const { reason, confirm, incidentUrl, idempotencyKey } = options;
    return this.post(
      'operations/collab-drain',
      {
        ...drainTarget(options),
        reason,
        confirm,
        ...(incidentUrl ? { incidentUrl } : {}),
      },
      { 'Idempotency-Key': idempotencyKey },
    );
  }

  getRollout(options: { entityRef: string }): Promise<EntityRollout> {
    return this.get('rollouts', { entityRef: options.entityRef });
  }

  previewRollout(options: RolloutTarget): Promise<RolloutPreview> {
    const { entityRef, action, clusters } = options;
    return this.post('operations/rollout/preview', {
      entityRef,
      action,
      clusters,
    });
  }

  startRollout(options: StartRolloutOptions): Promise<Operation> {
    const { idempotencyKey, confirm, incidentUrl, ...rest } = options;
    return this.post(
      'operations/rollout',
      {
        entityRef: rest.entityRef,
        action: rest.action,
        clusters: rest.clusters,
        expected: rest.expected,
        reason: rest.reason,
        ...(confirm ? { confirm } : {}),
        ...(incidentUrl ? { incidentUrl } : {}),
      },
      { 'Idempotency-Key': idempotencyKey },
    );
  }

  getOperations(options: GetOperationsOptions): Promise<OperationList> {
    return this.get('operations', {
      entityRef: options.entityRef,
      limit: optionalNumber(options.limit),
      offset: optionalNumber(options.offset),
    });
  }

  getOperation(options: OperationIdOptions): Promise<Operation> {
    return this.get(`operations/${encodeURIComponent(options.id)}`, {});
  }

  cancelOperation(options: OperationIdOptions): Promise<Operation> {
    return this.post(`operations/${encodeURIComponent(options.id)}/cancel`, {});
  }

  approveOperation(options: ApproveOperationOptions): Promise<Operation> {
    return this.post(
      `operations/${encodeURIComponent(options.id)}/approve`,
      options.comment ? { comment: options.comment } : {},
    );
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
    return parse<T>(response);
  }

  private async post<T>(
    path: string,
    body: object,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('service-ops');
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return parse<T>(response);
  }
}
