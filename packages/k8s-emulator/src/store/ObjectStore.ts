import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { apiVersionOf, ResourceType } from '../api/resources';
import { alreadyExists, ApiError, conflict, notFound } from '../api/status';
import { canonicalizeResources } from './canonicalQuantities';

export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    generateName?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: Array<{
      apiVersion: string;
      kind: string;
      name: string;
      uid: string;
      controller?: boolean;
    }>;
    [key: string]: unknown;
  };
  spec?: any;
  status?: any;
  [key: string]: any;
};

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resourceVersion: number;
  typeKey: string;
  object: KubeObject;
}

const keyOf = (type: ResourceType) => `${type.group}/${type.resource}`;
const nameKey = (namespace: string | undefined, name: string) =>
  `${namespace ?? ''}/${name}`;

/**
 * The objects of one cluster, with one resourceVersion sequence for all of them (as etcd
 * gives the API server) and a bounded history of changes for watches to resume from.
 */
export class ObjectStore {
  private revision = 1000;
  private readonly objects = new Map<string, Map<string, KubeObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly events = new EventEmitter();

  constructor(private readonly historyLimit = 5000) {
    this.events.setMaxListeners(0);
  }

  /** The current resourceVersion of the whole store. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** Forgets the change history, as etcd compaction does: older watches get 410 Gone. */
  compact() {
    this.history.length = 0;
  }

  /** The oldest resourceVersion a watch can resume from. */
  get oldestResumable(): number {
    return this.history.length
      ? this.history[0].resourceVersion - 1
      : this.revision;
  }

  private bucket(type: ResourceType) {
    let bucket = this.objects.get(keyOf(type));
    if (!bucket) {
      bucket = new Map();
      this.objects.set(keyOf(type), bucket);
    }
    return bucket;
  }

  private record(
    type: ResourceType,
    eventType: WatchEventType,
    object: KubeObject,
  ) {
    const event: StoreEvent = {
      type: eventType,
      resourceVersion: Number(object.metadata.resourceVersion),
      typeKey: keyOf(type),
      object: structuredClone(object),
    };
    this.history.push(event);
    if (this.history.length > this.historyLimit) this.history.shift();
    this.events.emit('event', event);
  }

  get(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject | undefined {
    const found = this.bucket(type).get(nameKey(namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  mustGet(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
  ): KubeObject {
    const found = this.get(type, namespace, name);
    if (!found)
      throw notFound(
        `${type.resource}${type.group ? `.${type.group}` : ''}`,
        name,
      );
    return found;
  }

  /**
   * The stored objects themselves, not copies, for read-only use by the controllers on
   * hot paths. Callers must not modify them.
   */
  scan(type: ResourceType, namespace?: string): readonly KubeObject[] {
    const items = [...this.bucket(type).values()];
    return namespace === undefined
      ? items
      : items.filter(o => o.metadata.namespace === namespace);
  }

  list(type: ResourceType, namespace?: string): KubeObject[] {
    const items = [...this.bucket(type).values()].filter(
      o => namespace === undefined || o.metadata.namespace === namespace,
    );
    return items
      .sort((a, b) =>
        nameKey(a.metadata.namespace, a.metadata.name!).localeCompare(
          nameKey(b.metadata.namespace, b.metadata.name!),
        ),
      )
      .map(o => structuredClone(o));
  }

  /** Stores a new object; `dryRun` validates and returns the result without storing. */
  create(
    type: ResourceType,
    input: KubeObject,
    options: { dryRun?: boolean } = {},
  ): KubeObject {
    const object = structuredClone(input);
    canonicalizeResources(object);
    const metadata = object.metadata;
    if (!metadata.name && metadata.generateName) {
      metadata.name = `${metadata.generateName}${randomUUID()
        .replace(/-/g, '')
        .slice(0, 5)}`;
    }
    const name = metadata.name!;
    if (this.bucket(type).has(nameKey(metadata.namespace, name))) {
      throw alreadyExists(
        `${type.resource}${type.group ? `.${type.group}` : ''}`,
        name,
      );
    }
    object.apiVersion = apiVersionOf(type);
    object.kind = type.kind;
    metadata.uid = randomUUID();
    metadata.creationTimestamp =
      metadata.creationTimestamp ??
      new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    metadata.generation = 1;
    if (options.dryRun) {
      metadata.resourceVersion = String(this.revision);
      return object;
    }
    metadata.resourceVersion = String(++this.revision);
    this.bucket(type).set(nameKey(metadata.namespace, name), object);
    this.record(type, 'ADDED', object);
    return structuredClone(object);
  }

  /**
   * Replaces an object. When `input.metadata.resourceVersion` is set it must be the
   * stored one (optimistic concurrency), else 409.
   */
  update(
    type: ResourceType,
    input: KubeObject,
    options: { dryRun?: boolean; subresource?: 'status' } = {},
  ): KubeObject {
    const name = input.metadata.name!;
    const current = this.bucket(type).get(
      nameKey(input.metadata.namespace, name),
    );
    if (!current)
      throw notFound(
        `${type.resource}${type.group ? `.${type.group}` : ''}`,
        name,
      );
    const expected = input.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion) {
      throw conflict(
        `${type.resource}${type.group ? `.${type.group}` : ''}`,
        name,
        'the object has been modified; please apply your changes to the latest version and try again',
      );
    }
    const next = structuredClone(input);
    canonicalizeResources(next);
    next.apiVersion = current.apiVersion;
    next.kind = current.kind;
    next.metadata.uid = current.metadata.uid;
    next.metadata.creationTimestamp = current.metadata.creationTimestamp;
    if (options.subresource === 'status') {
      // A status update changes only the status.
      next.spec = current.spec;
      next.metadata = { ...current.metadata };
      next.metadata.generation = current.metadata.generation;
    } else {
      next.status = current.status;
      const specChanged =
        JSON.stringify(next.spec) !== JSON.stringify(current.spec);
      next.metadata.generation =
        (current.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    }
    const withoutVersion = (o: KubeObject) =>
      JSON.stringify({
        ...o,
        metadata: { ...o.metadata, resourceVersion: undefined },
      });
    if (withoutVersion(next) === withoutVersion(current)) {
      // Nothing changed: no new resourceVersion and no event, as the API server does.
      return structuredClone(current);
    }
    if (options.dryRun) {
      next.metadata.resourceVersion = current.metadata.resourceVersion;
      return next;
    }
    next.metadata.resourceVersion = String(++this.revision);
    this.bucket(type).set(nameKey(next.metadata.namespace, name), next);
    this.record(type, 'MODIFIED', next);
    return structuredClone(next);
  }

  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: {
      dryRun?: boolean;
      preconditions?: { uid?: string; resourceVersion?: string };
    } = {},
  ): KubeObject {
    const current = this.bucket(type).get(nameKey(namespace, name));
    const kind = `${type.resource}${type.group ? `.${type.group}` : ''}`;
    if (!current) throw notFound(kind, name);
    const { uid, resourceVersion } = options.preconditions ?? {};
    if (uid && uid !== current.metadata.uid) {
      throw conflict(
        kind,
        name,
        `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${current.metadata.uid}`,
      );
    }
    if (
      resourceVersion &&
      resourceVersion !== current.metadata.resourceVersion
    ) {
      throw conflict(
        kind,
        name,
        `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`,
      );
    }
    if (options.dryRun) return structuredClone(current);
    this.bucket(type).delete(nameKey(namespace, name));
    const deleted = structuredClone(current);
    deleted.metadata.resourceVersion = String(++this.revision);
    this.record(type, 'DELETED', deleted);
    return deleted;
  }

  /**
   * Events of `type` after `resourceVersion`, then every new one, until the returned
   * function is called.
   * @throws ApiError 410 when `resourceVersion` is older than the history kept.
   */
  watch(
    type: ResourceType,
    resourceVersion: number,
    listener: (event: StoreEvent) => void,
  ): () => void {
    if (resourceVersion < this.oldestResumable) {
      throw new ApiError(
        410,
        `too old resource version: ${resourceVersion} (${this.oldestResumable})`,
        'Expired',
      );
    }
    const typeKey = keyOf(type);
    for (const event of this.history) {
      if (event.typeKey === typeKey && event.resourceVersion > resourceVersion)
        listener(event);
    }
    const onEvent = (event: StoreEvent) => {
      if (event.typeKey === typeKey) listener(event);
    };
    this.events.on('event', onEvent);
    return () => this.events.off('event', onEvent);
  }
}
