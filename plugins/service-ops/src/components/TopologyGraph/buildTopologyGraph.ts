import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type {
  EntitySnapshot,
  HealthLevel,
} from '@internal/backstage-plugin-service-ops-common';
import { asyncApiChannels } from '../../lib/asyncApiChannels';
import { isContainerEntity } from '../../lib/entityFilters';
import { worstHealth } from '../../lib/selectRegion';
import { refKey } from '../../hooks/useRelatedEntities';

export type TopologyNodeRole =
  | 'service'
  | 'container'
  | 'store'
  | 'neighbour'
  | 'api';

export interface TopologyNode {
  /** The entity ref, or `container:<name>` for a workload the catalog does not know. */
  id: string;
  role: TopologyNodeRole;
  label: string;
  /** A second line: replicas, store type, NATS subjects. */
  detail?: string;
  /** Live health; only the entity itself and its containers have one. */
  health?: HealthLevel;
  /** Where clicking the node leads; absent for the page's own entity. */
  entityRef?: string;
}

export interface TopologyEdge {
  /** Arrows point the way requests and events flow. */
  from: string;
  to: string;
  /** `has part`, `depends on`, `provides`, `consumed by`; not drawn, the arrow says it. */
  relation: string;
}

export interface TopologyGraphModel {
  nodes: TopologyNode[];
  edges: TopologyEdge[];
}

function relationTargets(entity: Entity | undefined, type: string): string[] {
  return (entity?.relations ?? [])
    .filter(r => r.type === type)
    .map(r => refKey(r.targetRef));
}

function roleOf(ref: string): TopologyNodeRole {
  const kind = parseEntityRef(ref).kind.toLocaleLowerCase('en-US');
  if (kind === 'resource') return 'store';
  if (kind === 'api') return 'api';
  return 'neighbour';
}

function labelOf(ref: string, entity?: Entity): string {
  return entity?.metadata.title ?? parseEntityRef(ref).name;
}

function apiDetail(entity: Entity | undefined): string | undefined {
  const spec = (entity?.spec ?? {}) as Record<string, unknown>;
  if (spec.type === 'asyncapi') {
    const subjects = asyncApiChannels(spec.definition);
    return subjects.length ? `NATS ${subjects.join(', ')}` : 'NATS (AsyncAPI)';
  }
  return typeof spec.type === 'string' ? spec.type : undefined;
}

/**
 * The graph of the Operations tab. For a service: the service, its containers (the
 * catalog's `hasPart` children and whatever the snapshot finds running), the stores
 * and neighbours each container (or else the service) depends on, and the APIs it
 * provides and consumes (AsyncAPI ones labelled with their NATS subjects). For a
 * container: its service, what it depends on, what depends on it, and its APIs.
 * Containers carry the snapshot's health; nothing else has one.
 */
export function buildTopologyGraph(options: {
  entity: Entity;
  /** Related entities by lower-cased ref (see useRelatedEntities). */
  related: Map<string, Entity>;
  /** The snapshot, already narrowed to the selected region. */
  snapshot: EntitySnapshot;
}): TopologyGraphModel {
  const { entity, related, snapshot } = options;
  const selfRef = refKey(stringifyEntityRef(entity));
  const nodes = new Map<string, TopologyNode>();
  const edges = new Map<string, TopologyEdge>();
  const addNode = (node: TopologyNode) => {
    if (!nodes.has(node.id)) nodes.set(node.id, node);
    return node.id;
  };
  const addEdge = (from: string, to: string, relation: string) => {
    if (from !== to) edges.set(`${from}->${to}`, { from, to, relation });
  };
  const addRelated = (ref: string) => {
    const target = related.get(ref);
    const role = roleOf(ref);
    const detail =
      role === 'api'
        ? apiDetail(target)
        : (target?.spec?.type as string | undefined) ?? undefined;
    return addNode({
      id: ref,
      role,
      label: labelOf(ref, target),
      detail,
      entityRef: ref,
    });
  };

  const liveByRef = new Map(
    snapshot.containers.map(c => [
      c.entityRef ? refKey(c.entityRef) : `container:${c.container}`,
      c,
    ]),
  );
  const replicas = (id: string) => {
    const live = liveByRef.get(id);
    if (!live) return { detail: 'not running', health: 'unknown' as const };
    const workloads = live.regions.flatMap(r =>
      r.workload ? [r.workload] : [],
    );
    if (!workloads.length) {
      return { detail: 'not running', health: live.health.level };
    }
    const ready = workloads.reduce((n, w) => n + w.ready, 0);
    const desired = workloads.reduce((n, w) => n + w.desired, 0);
    // A region without the workload explains a red node whose pods are all ready.
    const missing = live.regions.filter(r => !r.workload).map(r => r.cluster);
    const where = missing.length ? `, none in ${missing.join(', ')}` : '';
    return {
      detail: `${ready}/${desired} ready${where}`,
      health: live.health.level,
    };
  };
  const addContainer = (id: string, name: string, link: boolean) =>
    addNode({
      id,
      role: 'container',
      label: name,
      ...replicas(id),
      entityRef: link && id !== selfRef ? id : undefined,
    });

  /** On a container's page, a sibling container (not in this snapshot) or another entity. */
  const addNeighbour = (ref: string) => {
    const target = related.get(ref);
    if (target && isContainerEntity(target)) {
      return addNode({
        id: ref,
        role: 'container',
        label: labelOf(ref, target),
        entityRef: ref,
      });
    }
    return addRelated(ref);
  };

  if (isContainerEntity(entity)) {
    addContainer(selfRef, labelOf(selfRef, entity), false);
    for (const ref of relationTargets(entity, 'partOf')) {
      const service = related.get(ref);
      addNode({
        id: ref,
        role: 'service',
        label: labelOf(ref, service),
        entityRef: ref,
      });
      addEdge(ref, selfRef, 'has part');
    }
    for (const ref of relationTargets(entity, 'dependsOn')) {
      addEdge(selfRef, addNeighbour(ref), 'depends on');
    }
    for (const ref of relationTargets(entity, 'dependencyOf')) {
      addEdge(addNeighbour(ref), selfRef, 'depends on');
    }
  } else {
    const levels = snapshot.containers.map(c => c.health.level);
    addNode({
      id: selfRef,
      role: 'service',
      label: labelOf(selfRef, entity),
      health: worstHealth(levels),
      detail: `${snapshot.containers.length} containers`,
    });
    const children = new Set(relationTargets(entity, 'hasPart'));
    for (const live of snapshot.containers) {
      children.add(
        live.entityRef ? refKey(live.entityRef) : `container:${live.container}`,
      );
    }
    const covered = new Set<string>();
    for (const id of children) {
      const child = related.get(id);
      const live = liveByRef.get(id);
      const name =
        child?.metadata.title ??
        live?.container ??
        (id.startsWith('container:')
          ? id.slice('container:'.length)
          : parseEntityRef(id).name);
      addContainer(id, name, !id.startsWith('container:'));
      addEdge(
        selfRef,
        id,
        live && !live.declared ? 'runs (undeclared)' : 'has part',
      );
      for (const ref of relationTargets(child, 'dependsOn')) {
        covered.add(ref);
        addEdge(id, children.has(ref) ? ref : addRelated(ref), 'depends on');
      }
    }
    for (const ref of relationTargets(entity, 'dependsOn')) {
      if (!covered.has(ref) && !children.has(ref)) {
        addEdge(selfRef, addRelated(ref), 'depends on');
      }
    }
  }
  for (const ref of relationTargets(entity, 'providesApi')) {
    addEdge(selfRef, addRelated(ref), 'provides');
  }
  for (const ref of relationTargets(entity, 'consumesApi')) {
    addEdge(addRelated(ref), selfRef, 'consumed by');
  }

  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}
