import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  KeyInventory,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import type {
  GetKeyInventoryOptions,
  GetTenantKeysOptions,
  SigningKeysApi,
  StartKeyRotationOptions,
  TenantKeysResponse,
} from './SigningKeysApi';

async function parse<T>(response: Response): Promise<T> {
  if (!response.ok) throw await ResponseError.fromResponse(response);
  return (await response.json()) as T;
}

/** The signing-key routes of the service-ops backend, with the signed-in user's token. */
export class SigningKeysClient implements SigningKeysApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getKeyInventory(
    options: GetKeyInventoryOptions,
  ): Promise<KeyInventory> {
    const params = new URLSearchParams({ entityRef: options.entityRef });
    const optional: Record<string, string | undefined> = {
      q: options.q?.trim() || undefined,
      homeRegion: options.homeRegion,
      rotation: options.rotation,
      drill: options.drill,
      notReplicated: options.notReplicated ? 'true' : undefined,
      sort: options.sort,
      limit: options.limit === undefined ? undefined : String(options.limit),
      offset: options.offset === undefined ? undefined : String(options.offset),
    };
    for (const [key, value] of Object.entries(optional))
      if (value !== undefined) params.set(key, value);
    const baseUrl = await this.discoveryApi.getBaseUrl('service-ops');
    return parse(
      await this.fetchApi.fetch(`${baseUrl}/keys/inventory?${params}`),
    );
  }

  async getTenantKeys(
    options: GetTenantKeysOptions,
  ): Promise<TenantKeysResponse> {
    const baseUrl = await this.discoveryApi.getBaseUrl('service-ops');
    const params = new URLSearchParams({ entityRef: options.entityRef });
    return parse(
      await this.fetchApi.fetch(
        `${baseUrl}/keys/tenants/${encodeURIComponent(
          options.tenantId,
        )}?${params}`,
      ),
    );
  }

  async startKeyRotation(options: StartKeyRotationOptions): Promise<Operation> {
    const { idempotencyKey, ...rest } = options;
    const body = Object.fromEntries(
      Object.entries(rest).filter(([, value]) => value !== undefined),
    );
    const baseUrl = await this.discoveryApi.getBaseUrl('service-ops');
    return parse(
      await this.fetchApi.fetch(`${baseUrl}/operations/key-rotation`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Idempotency-Key': idempotencyKey,
        },
        body: JSON.stringify(body),
      }),
    );
  }
}
