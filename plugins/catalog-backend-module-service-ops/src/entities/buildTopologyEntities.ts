import {
  ComponentEntity,
  DEFAULT_NAMESPACE,
  Entity,
  LocationEntity,
  ResourceEntity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_TOPOLOGY_PROBLEMS,
  ANNOTATION_TOPOLOGY_SOURCE,
  TOPOLOGY_LOCATION_TYPE,
} from '@internal/backstage-plugin-service-ops-common';
import { slug, storeKind } from '../topology/parseTopologyDocument';
import {
  StoreRow,
  DocumentProblem,
  StoreKind,
  TopologyDocument,
} from '../topology/types';

const KUBERNETES_ID = 'backstage.io/kubernetes-id';
const KUBERNETES_NAMESPACE = 'backstage.io/kubernetes-namespace';

const RESOURCE_TYPES: Record<StoreKind, string> = {
  postgres: 'database',
  redis: 'cache',
  'object-storage': 'object-storage',
  cdn: 'cdn',
  kms: 'kms',
  'ephemeral-storage': 'ephemeral-storage',
  other: 'storage',
};

export interface BuildTopologyEntitiesOptions {
  service: Entity;
  document: TopologyDocument;
  documentUrl: string;
  /**
   * Names in the documents that stand for platform-wide entities rather than stores
   * of the service (case-insensitive), e.g. `{ NATS: 'resource:default/nats-jetstream' }`.
   */
  sharedResources: Record<string, string>;
}

export interface TopologyEntities {
  /**
   * Containers (Components), stores (Resources) and a Location standing for the
   * document itself, which carries the document's problems.
   */
  entities: Entity[];
  /** What the service itself depends on: mesh egress, its stores, shared resources. */
  serviceDependsOn: string[];
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/**
 * Turns a parsed topology document into the catalog model of the service: a
 * Component per container (`subcomponentOf` the service) carrying its declared
 * scaling and resources, a Resource per store, and `dependsOn` references from the
 * diagram's edges and the mesh egress.
 */
export function buildTopologyEntities(
  options: BuildTopologyEntitiesOptions,
): TopologyEntities {
  const { service, document, documentUrl } = options;
  const namespace = service.metadata.namespace ?? DEFAULT_NAMESPACE;
  const serviceName = service.metadata.name;
  const serviceRef = stringifyEntityRef(service);
  const spec = (service.spec ?? {}) as Record<string, unknown>;
  const inherited = {
    owner: spec.owner as string,
    lifecycle: spec.lifecycle as string,
    ...(spec.system ? { system: spec.system as string } : {}),
  };
  const kubernetesNamespace =
    service.metadata.annotations?.[KUBERNETES_NAMESPACE];
  const source = (line: number) => `${documentUrl}#L${line}`;
  const shared = new Map(
    Object.entries(options.sharedResources).map(([k, v]) => [
      k.toLowerCase(),
      v,
    ]),
  );
  const containers = new Set(document.containers.map(c => c.name));
  const egress = new Set(document.meshEgress.map(e => e.target));
  const storeRef = (store: StoreRow) =>
    `resource:${namespace}/${serviceName}-${store.key}`;

  /** Entity ref a name in the diagram or the egress list stands for, if any. */
  const resolve = (name: string): string | undefined => {
    const sharedRef = shared.get(name.toLowerCase());
    if (sharedRef) return sharedRef;
    if (containers.has(name)) return `component:${namespace}/${name}`;
    const kind = storeKind(name);
    if (kind) {
      const store =
        document.stores.find(s => slug(s.label) === slug(name)) ??
        document.stores.find(s => s.kind === kind);
      if (store) return storeRef(store);
    }
    // Neighbour services: as named in the egress, with or without a `-service` suffix.
    const candidates = [name, name.replace(/-service$/, ''), `${name}-service`];
    const neighbour = candidates.find(
      c => egress.has(c) && /^[a-z0-9-]+$/.test(c),
    );
    if (neighbour && neighbour !== serviceName) {
      return `component:${namespace}/${neighbour}`;
    }
    if (/^[a-z0-9-]+-service$/.test(name) && name !== serviceName) {
      return `component:${namespace}/${name}`;
    }
    return undefined;
  };

  const describe = (problem: DocumentProblem) =>
    `${documentUrl}:${problem.line}: ${problem.message}`;
  const problemsOf = (container: string) =>
    document.problems
      .filter(p => p.message.includes(`'${container}'`))
      .map(describe);

  const entities: Entity[] = [];
  for (const container of document.containers) {
    const scaling = document.scaling.find(s => s.container === container.name);
    const resources = document.resources.find(
      r => r.container === container.name,
    );
    // A container depends on what it sends to, and on the stores and buses it reads
    // from (an edge from a Resource into the container); callers are not dependencies.
    const dependsOn = unique(
      document.diagramEdges.flatMap(edge => {
        if (edge.from === container.name) return [resolve(edge.to)];
        if (edge.to !== container.name) return [];
        const from = resolve(edge.from);
        return edge.bidirectional || from?.startsWith('resource:')
          ? [from]
          : [];
      }),
    ).filter(
      (ref): ref is string =>
        !!ref && ref !== `component:${namespace}/${container.name}`,
    );
    const problems = problemsOf(container.name);
    const annotations: Record<string, string> = {
      [KUBERNETES_ID]: container.name,
      [ANNOTATION_TOPOLOGY_SOURCE]: source(container.line),
      ...(kubernetesNamespace
        ? { [KUBERNETES_NAMESPACE]: kubernetesNamespace }
        : {}),
    };
    const entity: ComponentEntity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: container.name,
        namespace,
        description: container.purpose,
        annotations,
        tags: [container.type],
      },
      spec: {
        type: container.type,
        ...inherited,
        subcomponentOf: serviceRef,
        ...(dependsOn.length ? { dependsOn } : {}),
      },
    };
    (entity.spec as Record<string, unknown>).serviceOps = {
      service: serviceRef,
      container: container.name,
      ...(scaling
        ? {
            scaling: {
              min: scaling.min,
              max: scaling.max,
              triggers: scaling.triggers,
              text: scaling.triggerText,
              source: source(scaling.line),
            },
          }
        : {}),
      ...(resources
        ? {
            resources: {
              cpu: resources.cpu,
              memory: resources.memory,
              ...(resources.note ? { note: resources.note } : {}),
              source: source(resources.line),
            },
          }
        : {}),
      ...(problems.length ? { problems } : {}),
    };
    entities.push(entity);
  }

  for (const store of document.stores) {
    const description = [
      store.description,
      store.retention && `Retention: ${store.retention}.`,
    ]
      .filter(Boolean)
      .join('. ')
      .replace(/\.\./g, '.');
    const entity: ResourceEntity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: `${serviceName}-${store.key}`,
        namespace,
        title: `${store.label} (${serviceName})`,
        description,
        annotations: { [ANNOTATION_TOPOLOGY_SOURCE]: source(store.line) },
        tags: [store.kind],
      },
      spec: {
        type: RESOURCE_TYPES[store.kind],
        owner: inherited.owner,
        ...(inherited.system ? { system: inherited.system } : {}),
      },
    };
    (entity.spec as Record<string, unknown>).serviceOps = {
      service: serviceRef,
      store: store.label,
      kind: store.kind,
      ...(store.retention ? { retention: store.retention } : {}),
      source: source(store.line),
    };
    entities.push(entity);
  }

  const ownContainerRefs = new Set(
    document.containers.map(c => `component:${namespace}/${c.name}`),
  );
  const serviceDependsOn = unique(
    [
      ...document.meshEgress.map(e => resolve(e.target)),
      ...document.stores.map(storeRef),
      ...document.diagramEdges
        .filter(edge => containers.has(edge.from))
        .map(edge => resolve(edge.to)),
    ].filter((ref): ref is string => !!ref && !ownContainerRefs.has(ref)),
  );

  const location: LocationEntity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: {
      name: `${serviceName}-topology-document`,
      namespace,
      description: `Deployment-topology document of ${serviceName}`,
      annotations: document.problems.length
        ? {
            [ANNOTATION_TOPOLOGY_PROBLEMS]: JSON.stringify(
              document.problems.map(describe),
            ),
          }
        : {},
    },
    spec: { type: TOPOLOGY_LOCATION_TYPE, target: documentUrl },
  };
  entities.push(location);

  return { entities, serviceDependsOn };
}
