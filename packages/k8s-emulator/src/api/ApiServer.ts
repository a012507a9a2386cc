import http, { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import { ObjectStore, KubeObject, StoreEvent } from '../store/ObjectStore';
import { applyPatchByType } from './patch';
import {
  disruptionFigures,
  isHealthyPod,
} from '../controllers/DisruptionController';
import {
  apiVersionOf,
  findType,
  RESOURCE_TYPES,
  ResourceType,
  verbsOf,
} from './resources';
import {
  matchesLabels,
  matchesSelectorObject,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';
import { ApiError, invalid } from './status';
import {
  CUSTOM_METRICS_GROUP_VERSION,
  CustomMetricsSource,
  customMetricsResourceList,
  getCustomMetric,
  isCustomMetricsPath,
} from './customMetrics';

export type TokenRole = 'read-write' | 'read-only';

export interface ApiServerOptions {
  /** Cluster name, reported in `/version`'s `platform` comment and in logs. */
  name: string;
  store: ObjectStore;
  /** Bearer tokens and what they may do. */
  tokens: Record<string, TokenRole>;
  /** Serve HTTPS with this key and certificate; HTTP when absent. */
  tls?: { key: string; cert: string };
  /** Interval of watch bookmarks, ms (real time); default one minute, as kube-apiserver's watch cache. */
  bookmarkIntervalMs?: number;
  /**
   * Serve custom.metrics.k8s.io/v1beta1 (Pods metrics, as the Prometheus adapter does)
   * from this source; not served when absent.
   */
  customMetrics?: CustomMetricsSource;
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const SUBRESOURCE_KINDS: Record<string, string> = {
  scale: 'Scale',
  eviction: 'Eviction',
};
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_BODY = 3 * 1024 * 1024;

function send(res: ServerResponse, code: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError(
        413,
        'request entity too large',
        'RequestEntityTooLarge',
      );
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(
      400,
      `the request body is not valid JSON: ${(error as Error).message}`,
    );
  }
}

/** Continue tokens carry the list's resourceVersion and the last key returned. */
function encodeContinue(rv: number, after: string) {
  return Buffer.from(JSON.stringify({ rv, after })).toString('base64url');
}
function decodeContinue(token: string): { rv: number; after: string } {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof value.rv === 'number' && typeof value.after === 'string')
      return value;
  } catch {
    // fall through
  }
  throw new ApiError(400, `invalid continue token: ${token}`);
}

/** The path with its escapes decoded; as it is when it has a malformed one. */
function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

const objectKey = (o: KubeObject) =>
  `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/**
 * The Kubernetes verb of a request (`get`, `list`, `watch`, `create`, `update`, `patch`,
 * `delete`, `deletecollection`), as the API server's audit log names it; discovery and
 * health checks are `get`.
 */
function verbOf(method: string, path: string, query: URLSearchParams): string {
  const resourcePath = /^\/(?:api\/v1|apis\/[^/]+\/[^/]+)\/(.+)$/.exec(path);
  let named = false;
  if (resourcePath) {
    const rest = resourcePath[1].split('/');
    named =
      rest[0] === 'namespaces' && rest.length >= 3
        ? rest.length > 3
        : rest.length > 1;
  }
  switch (method) {
    case 'GET':
    case 'HEAD': {
      if (!resourcePath || named) return 'get';
      const watch = query.get('watch');
      return watch === 'true' || watch === '1' ? 'watch' : 'list';
    }
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/**
 * Serves one emulated cluster over the Kubernetes REST protocol: discovery, CRUD with
 * optimistic concurrency, list with selectors and paging, watch with resume, bookmarks and
 * 410, the status and scale subresources, eviction honouring PodDisruptionBudgets, dry-run,
 * and errors as `Status` objects.
 */
export class ApiServer {
  private server?: http.Server;
  /** Watches answered with 410 Gone since start (their resourceVersion had expired). */
  expiredWatches = 0;
  /** Requests received since start or the last `resetCounters()`, whatever their outcome. */
  requestCount = 0;
  /**
   * The same by verb and path, e.g. `list /api/v1/namespaces/demo/pods`,
   * `watch /apis/apps/v1/deployments`, `get /api/v1/namespaces/demo/pods/web-1`.
   */
  readonly requests = new Map<string, number>();
  private readonly openWatches = new Set<() => void>();

  constructor(private readonly options: ApiServerOptions) {}

  get name() {
    return this.options.name;
  }

  /** Starts listening; resolves with the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.count(req);
      this.handle(req, res).catch(error => {
        const apiError =
          error instanceof ApiError
            ? error
            : new ApiError(500, `internal error: ${(error as Error).message}`);
        if (!res.headersSent) send(res, apiError.code, apiError.toStatus());
        else res.end();
      });
    };
    this.server = this.options.tls
      ? https.createServer(
          { key: this.options.tls.key, cert: this.options.tls.cert },
          handler,
        )
      : http.createServer(handler);
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    return `${this.options.tls ? 'https' : 'http'}://${host}:${address.port}`;
  }

  /** Sets `requestCount` and `requests` back to zero. */
  resetCounters() {
    this.requestCount = 0;
    this.requests.clear();
  }

  private count(req: IncomingMessage) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    // Decoded, as the API server's request info is: `pods/%2A%2Fm` is `pods/*/m`.
    const path = safeDecode(url.pathname).replace(/\/+$/, '') || '/';
    const key = `${verbOf(
      req.method ?? 'GET',
      path,
      url.searchParams,
    )} ${path}`;
    this.requestCount++;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
  }

  /** Ends every open watch, as an API server restart or a dropped connection would. */
  dropWatches() {
    for (const stop of [...this.openWatches]) stop();
  }

  async close(): Promise<void> {
    for (const stop of this.openWatches) stop();
    this.openWatches.clear();
    if (!this.server) return;
    this.server.closeAllConnections?.();
    await new Promise<void>(resolve => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private authenticate(req: IncomingMessage): TokenRole {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const role = match ? this.options.tokens[match[1].trim()] : undefined;
    if (!role) throw new ApiError(401, 'Unauthorized');
    return role;
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    const role = this.authenticate(req);
    const discovery = this.discovery(path);
    if (discovery !== undefined) {
      if (req.method !== 'GET')
        throw new ApiError(
          405,
          `the server does not allow this method on ${path}`,
        );
      send(res, 200, discovery);
      return;
    }
    const customMetrics = this.options.customMetrics;
    const decodedPath = safeDecode(path);
    if (customMetrics && isCustomMetricsPath(decodedPath)) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new ApiError(
          405,
          `the server does not allow method ${req.method} on ${path}`,
          'MethodNotAllowed',
        );
      }
      send(
        res,
        200,
        getCustomMetric({
          source: customMetrics,
          store: this.options.store,
          path: decodedPath,
          query: url.searchParams,
        }),
      );
      return;
    }
    const route = this.route(path);
    const method = req.method ?? 'GET';
    const write = method !== 'GET' && method !== 'HEAD';
    if (write && role === 'read-only') {
      throw new ApiError(
        403,
        `${route.type.resource}${
          route.type.group ? `.${route.type.group}` : ''
        } is forbidden: this token may only read`,
        'Forbidden',
      );
    }
    if (write && route.type.readOnly) {
      throw new ApiError(
        405,
        `the server does not allow this method on the requested resource`,
        'MethodNotAllowed',
      );
    }
    const dryRun = url.searchParams.getAll('dryRun').includes('All');
    if (url.searchParams.has('dryRun') && !dryRun) {
      throw new ApiError(
        400,
        `invalid dryRun value: ${url.searchParams.get(
          'dryRun',
        )} (only "All" is supported)`,
      );
    }
    const query = url.searchParams;

    if (method === 'GET' && !route.name) {
      const watch = query.get('watch');
      if (watch === 'true' || watch === '1') this.watch(route, query, req, res);
      else send(res, 200, this.list(route, query));
    } else if (method === 'GET') {
      send(res, 200, this.get(route));
    } else if (method === 'POST' && route.subresource === 'eviction') {
      send(res, 201, this.evict(route, await readBody(req), dryRun));
    } else if (method === 'POST' && !route.name) {
      send(res, 201, this.create(route, await readBody(req), dryRun));
    } else if (method === 'PUT' && route.name) {
      send(res, 200, this.replace(route, await readBody(req), dryRun));
    } else if (method === 'PATCH' && route.name) {
      const body = await readBody(req);
      const contentType = req.headers['content-type'] ?? '';
      send(res, 200, this.patch(route, contentType, body, dryRun));
    } else if (method === 'DELETE' && route.name) {
      send(res, 200, this.remove(route, await readBody(req), dryRun));
    } else if (method === 'DELETE') {
      send(res, 200, this.removeCollection(route, query, dryRun));
    } else {
      throw new ApiError(
        405,
        `the server does not allow method ${method} on ${path}`,
        'MethodNotAllowed',
      );
    }
  }

  private discovery(path: string): unknown | undefined {
    if (path === '/version') {
      return {
        major: '1',
        minor: '31',
        gitVersion: 'v1.31.0+service-ops-emulator',
        gitCommit: '0000000000000000000000000000000000000000',
        gitTreeState: 'clean',
        buildDate: '2026-11-22T00:00:00Z',
        goVersion: 'go1.22.0',
        compiler: 'gc',
        platform: 'linux/amd64',
      };
    }
    if (path === '/api') {
      return {
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [
          { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' },
        ],
      };
    }
    const groups = [
      ...new Set(
        RESOURCE_TYPES.filter(t => t.group).map(t => `${t.group}/${t.version}`),
      ),
      ...(this.options.customMetrics ? [CUSTOM_METRICS_GROUP_VERSION] : []),
    ];
    if (path === '/apis') {
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: groups.map(gv => {
          const [name, version] = gv.split('/');
          return {
            name,
            versions: [{ groupVersion: gv, version }],
            preferredVersion: { groupVersion: gv, version },
          };
        }),
      };
    }
    const resourceList = (group: string, version: string) => {
      const customMetrics = this.options.customMetrics;
      if (
        customMetrics &&
        `${group}/${version}` === CUSTOM_METRICS_GROUP_VERSION
      )
        return customMetricsResourceList(customMetrics);
      const types = RESOURCE_TYPES.filter(
        t => t.group === group && t.version === version,
      );
      if (!types.length) return undefined;
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: group ? `${group}/${version}` : version,
        resources: types.flatMap(t => [
          {
            name: t.resource,
            singularName: t.singular,
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: verbsOf(t),
            ...(t.shortNames ? { shortNames: t.shortNames } : {}),
          },
          ...t.subresources.map(sub => ({
            name: `${t.resource}/${sub}`,
            singularName: '',
            namespaced: t.namespaced,
            kind: SUBRESOURCE_KINDS[sub] ?? t.kind,
            ...(sub === 'scale' ? { group: 'autoscaling', version: 'v1' } : {}),
            ...(sub === 'eviction' ? { group: 'policy', version: 'v1' } : {}),
            verbs: sub === 'eviction' ? ['create'] : ['get', 'patch', 'update'],
          })),
        ]),
      };
    };
    if (path === '/api/v1') return resourceList('', 'v1');
    const match = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
    if (match) {
      const list = resourceList(match[1], match[2]);
      if (!list)
        throw new ApiError(
          404,
          `the server could not find the requested resource (${path})`,
        );
      return list;
    }
    const groupOnly = /^\/apis\/([^/]+)$/.exec(path);
    if (groupOnly) {
      const gv = groups.find(g => g.startsWith(`${groupOnly[1]}/`));
      if (!gv)
        throw new ApiError(
          404,
          `the server could not find the requested resource (${path})`,
        );
      const [name, version] = gv.split('/');
      return {
        kind: 'APIGroup',
        apiVersion: 'v1',
        name,
        versions: [{ groupVersion: gv, version }],
        preferredVersion: { groupVersion: gv, version },
      };
    }
    return undefined;
  }

  private route(path: string): Route {
    const notFoundError = () =>
      new ApiError(
        404,
        `the server could not find the requested resource (${path})`,
      );
    let group: string;
    let version: string;
    let rest: string[];
    const core = /^\/api\/v1\/(.*)$/.exec(path);
    const named = /^\/apis\/([^/]+)\/([^/]+)\/(.*)$/.exec(path);
    if (core) {
      group = '';
      version = 'v1';
      rest = core[1].split('/');
    } else if (named) {
      group = named[1];
      version = named[2];
      rest = named[3].split('/');
    } else {
      throw notFoundError();
    }
    rest = rest.map(decodeURIComponent);
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      const type = findType(group, version, rest[2]);
      if (!type || !type.namespaced) throw notFoundError();
      if (rest.length > 5) throw notFoundError();
      const route = {
        type,
        namespace: rest[1],
        name: rest[3],
        subresource: rest[4],
      };
      this.checkSubresource(route, notFoundError);
      return route;
    }
    const type = findType(group, version, rest[0]);
    if (!type || rest.length > 3) throw notFoundError();
    if (type.namespaced && rest.length > 1) throw notFoundError();
    const route = { type, name: rest[1], subresource: rest[2] };
    this.checkSubresource(route, notFoundError);
    return route;
  }

  private checkSubresource(route: Route, notFoundError: () => ApiError) {
    if (
      route.subresource &&
      !route.type.subresources.includes(route.subresource)
    )
      throw notFoundError();
  }

  private selectorFilter(query: URLSearchParams) {
    const labels = query.get('labelSelector');
    const fields = query.get('fieldSelector');
    const labelRequirements = labels ? parseLabelSelector(labels) : [];
    const fieldTest = fields ? parseFieldSelector(fields) : () => true;
    return (o: KubeObject) =>
      matchesLabels(labelRequirements, o.metadata.labels) && fieldTest(o);
  }

  private list(route: Route, query: URLSearchParams) {
    const store = this.options.store;
    const filter = this.selectorFilter(query);
    let items = store.list(route.type, route.namespace).filter(filter);
    const token = query.get('continue');
    let listRv = store.resourceVersion;
    if (token) {
      const { rv, after } = decodeContinue(token);
      if (rv < store.oldestResumable) {
        throw new ApiError(
          410,
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
          'Expired',
        );
      }
      listRv = rv;
      items = items.filter(o => objectKey(o) > after);
    }
    const limit = Number(query.get('limit') ?? 0);
    if (!Number.isInteger(limit) || limit < 0)
      throw new ApiError(400, `invalid limit: ${query.get('limit')}`);
    const metadata: Record<string, unknown> = {
      resourceVersion: String(listRv),
    };
    if (limit > 0 && items.length > limit) {
      metadata.continue = encodeContinue(listRv, objectKey(items[limit - 1]));
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    return {
      kind: `${route.type.kind}List`,
      apiVersion: apiVersionOf(route.type),
      metadata,
      items,
    };
  }

  private watch(
    route: Route,
    query: URLSearchParams,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const store = this.options.store;
    const filter = this.selectorFilter(query);
    const inScope = (o: KubeObject) =>
      (route.namespace === undefined ||
        o.metadata.namespace === route.namespace) &&
      filter(o);
    const rvParam = query.get('resourceVersion');
    const bookmarks = query.get('allowWatchBookmarks') === 'true';
    const timeoutSeconds = Math.min(
      Number(query.get('timeoutSeconds') ?? 1800) || 1800,
      3600,
    );

    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    // Clients wait for the response headers before they consider the watch established.
    res.flushHeaders();
    const write = (type: string, object: unknown) =>
      res.write(`${JSON.stringify({ type, object })}\n`);

    let from: number;
    if (!rvParam || rvParam === '0') {
      for (const object of store
        .list(route.type, route.namespace)
        .filter(inScope))
        write('ADDED', object);
      from = store.resourceVersion;
    } else {
      from = Number(rvParam);
      if (!Number.isInteger(from)) {
        write(
          'ERROR',
          new ApiError(400, `invalid resourceVersion: ${rvParam}`).toStatus(),
        );
        res.end();
        return;
      }
    }
    let unsubscribe: () => void = () => undefined;
    try {
      unsubscribe = store.watch(route.type, from, (event: StoreEvent) => {
        if (inScope(event.object)) write(event.type, event.object);
      });
    } catch (error) {
      if (error instanceof ApiError) {
        if (error.code === 410) this.expiredWatches++;
        write('ERROR', error.toStatus());
        res.end();
        return;
      }
      throw error;
    }
    const bookmark = bookmarks
      ? setInterval(
          () =>
            write('BOOKMARK', {
              kind: route.type.kind,
              apiVersion: apiVersionOf(route.type),
              metadata: { resourceVersion: String(store.resourceVersion) },
            }),
          this.options.bookmarkIntervalMs ?? 60_000,
        )
      : undefined;
    let timeout: NodeJS.Timeout | undefined = undefined;
    const stop = () => {
      unsubscribe();
      if (bookmark) clearInterval(bookmark);
      clearTimeout(timeout);
      this.openWatches.delete(stop);
      if (!res.writableEnded) res.end();
    };
    timeout = setTimeout(stop, timeoutSeconds * 1000);
    this.openWatches.add(stop);
    req.on('close', stop);
    res.on('close', stop);
  }

  private get(route: Route) {
    const object = this.options.store.mustGet(
      route.type,
      route.namespace,
      route.name!,
    );
    if (route.subresource === 'scale') return this.scaleOf(object);
    return object;
  }

  private scaleOf(object: KubeObject) {
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: object.metadata.name,
        namespace: object.metadata.namespace,
        uid: object.metadata.uid,
        resourceVersion: object.metadata.resourceVersion,
        creationTimestamp: object.metadata.creationTimestamp,
      },
      spec: { replicas: object.spec?.replicas ?? 0 },
      status: {
        replicas: object.status?.replicas ?? 0,
        selector: Object.entries(object.spec?.selector?.matchLabels ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(','),
      },
    };
  }

  private validate(route: Route, body: any, forName?: string): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new ApiError(400, 'the request body must be a JSON object');
    }
    const kindName = route.type.kind;
    if (body.kind !== undefined && body.kind !== route.type.kind) {
      throw new ApiError(
        400,
        `the body's kind ${body.kind} does not match the resource ${route.type.resource} (kind ${kindName})`,
      );
    }
    if (
      body.apiVersion !== undefined &&
      body.apiVersion !== apiVersionOf(route.type)
    ) {
      throw new ApiError(
        400,
        `the body's apiVersion ${body.apiVersion} does not match ${apiVersionOf(
          route.type,
        )}`,
      );
    }
    if (!body.metadata || typeof body.metadata !== 'object') body.metadata = {};
    const name = body.metadata.name ?? forName;
    if (forName && body.metadata.name && body.metadata.name !== forName) {
      throw new ApiError(
        400,
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${forName})`,
      );
    }
    if (route.namespace) {
      if (
        body.metadata.namespace &&
        body.metadata.namespace !== route.namespace
      ) {
        throw new ApiError(
          400,
          `the namespace of the object (${body.metadata.namespace}) does not match the namespace on the request (${route.namespace})`,
        );
      }
      body.metadata.namespace = route.namespace;
    } else if (route.type.namespaced) {
      throw new ApiError(
        400,
        `${route.type.resource} must be created in a namespace`,
      );
    }
    const causes: Array<{ field: string; message: string }> = [];
    if (!name && !body.metadata.generateName) {
      causes.push({
        field: 'metadata.name',
        message: 'Required value: name or generateName is required',
      });
    } else if (name && !DNS_SUBDOMAIN.test(name)) {
      causes.push({
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'`,
      });
    }
    const replicas = body.spec?.replicas;
    if (
      replicas !== undefined &&
      (!Number.isInteger(replicas) || replicas < 0)
    ) {
      causes.push({
        field: 'spec.replicas',
        message: `Invalid value: ${JSON.stringify(
          replicas,
        )}: must be a non-negative integer`,
      });
    }
    if (
      ['Deployment', 'ReplicaSet', 'StatefulSet', 'Rollout'].includes(kindName)
    ) {
      const selector = body.spec?.selector;
      const labels = body.spec?.template?.metadata?.labels;
      if (!selector)
        causes.push({ field: 'spec.selector', message: 'Required value' });
      else if (!matchesSelectorObject(selector, labels)) {
        causes.push({
          field: 'spec.template.metadata.labels',
          message: 'Invalid value: `selector` does not match template `labels`',
        });
      }
    }
    if (kindName === 'HorizontalPodAutoscaler') {
      const { minReplicas = 1, maxReplicas } = body.spec ?? {};
      if (!Number.isInteger(maxReplicas) || maxReplicas < 1) {
        causes.push({
          field: 'spec.maxReplicas',
          message: 'Required value: must be at least 1',
        });
      } else if (minReplicas > maxReplicas) {
        causes.push({
          field: 'spec.minReplicas',
          message: `Invalid value: ${minReplicas}: must be less than or equal to maxReplicas`,
        });
      }
    }
    if (causes.length)
      throw invalid(kindName, name ?? body.metadata.generateName ?? '', causes);
    if (route.namespace && route.type.kind !== 'Namespace') {
      const namespaceType = findType('', 'v1', 'namespaces')!;
      if (!this.options.store.get(namespaceType, undefined, route.namespace)) {
        throw new ApiError(
          404,
          `namespaces "${route.namespace}" not found`,
          'NotFound',
          { name: route.namespace, kind: 'namespaces' },
        );
      }
    }
    return body as KubeObject;
  }

  private create(route: Route, body: any, dryRun: boolean) {
    const object = this.validate(route, body);
    return this.options.store.create(route.type, object, { dryRun });
  }

  private replace(route: Route, body: any, dryRun: boolean) {
    const store = this.options.store;
    if (route.subresource === 'scale') {
      const current = store.mustGet(route.type, route.namespace, route.name!);
      const replicas = body?.spec?.replicas;
      if (!Number.isInteger(replicas) || replicas < 0) {
        throw invalid('Scale', route.name!, [
          { field: 'spec.replicas', message: 'must be a non-negative integer' },
        ]);
      }
      if (
        body?.metadata?.resourceVersion &&
        body.metadata.resourceVersion !== current.metadata.resourceVersion
      ) {
        current.metadata.resourceVersion = body.metadata.resourceVersion; // let the store report the conflict
      }
      current.spec = { ...current.spec, replicas };
      return this.scaleOf(store.update(route.type, current, { dryRun }));
    }
    const object = this.validate(route, body, route.name);
    return store.update(route.type, object, {
      dryRun,
      subresource: route.subresource === 'status' ? 'status' : undefined,
    });
  }

  private patch(route: Route, contentType: string, body: any, dryRun: boolean) {
    const store = this.options.store;
    if (body === undefined) throw new ApiError(400, 'a patch needs a body');
    const current = store.mustGet(route.type, route.namespace, route.name!);
    if (route.subresource === 'scale') {
      const scale = applyPatchByType(contentType, this.scaleOf(current), body);
      return this.replace(route, scale, dryRun);
    }
    const patched = applyPatchByType(contentType, current, body);
    // A patch carries the resourceVersion only when the client asks for a precondition.
    const precondition =
      body && !Array.isArray(body) ? body.metadata?.resourceVersion : undefined;
    patched.metadata = {
      ...patched.metadata,
      resourceVersion: precondition ?? current.metadata.resourceVersion,
    };
    const object = this.validate(route, patched, route.name);
    return store.update(route.type, object, {
      dryRun,
      subresource: route.subresource === 'status' ? 'status' : undefined,
    });
  }

  private remove(route: Route, body: any, dryRun: boolean) {
    const deleted = this.options.store.delete(
      route.type,
      route.namespace,
      route.name!,
      {
        dryRun:
          dryRun ||
          (Array.isArray(body?.dryRun) && body.dryRun.includes('All')),
        preconditions: body?.preconditions,
      },
    );
    return deleted;
  }

  private removeCollection(
    route: Route,
    query: URLSearchParams,
    dryRun: boolean,
  ) {
    const items = this.list(route, query).items;
    if (!dryRun) {
      for (const item of items) {
        this.options.store.delete(
          route.type,
          item.metadata.namespace,
          item.metadata.name!,
        );
      }
    }
    return {
      kind: `${route.type.kind}List`,
      apiVersion: apiVersionOf(route.type),
      metadata: {},
      items,
    };
  }

  /** policy/v1 Eviction: deletes the pod unless that would break a PodDisruptionBudget. */
  private evict(route: Route, body: any, dryRun: boolean) {
    const store = this.options.store;
    if (!body || body.kind !== 'Eviction') {
      throw new ApiError(
        400,
        'the body of an eviction must be a policy/v1 Eviction',
      );
    }
    if (body.metadata?.name && body.metadata.name !== route.name) {
      throw new ApiError(
        400,
        `the eviction's name (${body.metadata.name}) does not match the pod (${route.name})`,
      );
    }
    const podType = findType('', 'v1', 'pods')!;
    const pdbType = findType('policy', 'v1', 'poddisruptionbudgets')!;
    const pod = store.mustGet(podType, route.namespace, route.name!);
    const pods = store.list(podType, route.namespace);
    for (const pdb of store.list(pdbType, route.namespace)) {
      if (!matchesSelectorObject(pdb.spec?.selector, pod.metadata.labels))
        continue;
      if (!isHealthyPod(pod)) continue; // evicting an unhealthy pod never reduces availability
      const { currentHealthy: healthy, desiredHealthy } = disruptionFigures(
        pdb,
        pods,
      );
      if (healthy - 1 < desiredHealthy) {
        throw new ApiError(
          429,
          "Cannot evict pod as it would violate the pod's disruption budget.",
          'TooManyRequests',
          {
            causes: [
              {
                message: `The disruption budget ${pdb.metadata.name} needs ${desiredHealthy} healthy pods and has ${healthy} currently`,
                field: 'DisruptionBudget',
              },
            ],
          },
        );
      }
    }
    if (!dryRun) store.delete(podType, route.namespace, route.name!);
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    };
  }
}
