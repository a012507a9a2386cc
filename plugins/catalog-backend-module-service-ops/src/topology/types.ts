import type {
  ContainerType,
  DeclaredTrigger,
  RequestLimit,
  StoreKind,
} from '@internal/backstage-plugin-service-ops-common';

export type {
  ContainerType,
  DeclaredTrigger,
  Quantity,
  RequestLimit,
  StoreKind,
  TriggerComparison,
} from '@internal/backstage-plugin-service-ops-common';

/**
 * The declared model of a service, as its deployment-topology document states it.
 * Every field carries the 1-based line of the document it came from, so that
 * processing errors and entity annotations can point at the source.
 */
export interface TopologyDocument {
  containers: ContainerRow[];
  scaling: ScalingRow[];
  resources: ResourcesRow[];
  stores: StoreRow[];
  /** Names from the service-mesh section's "Egress to ..." bullets. */
  meshEgress: EgressRow[];
  /** Directed edges read from the topology diagram. */
  diagramEdges: DiagramEdge[];
  /** Bullets of sections that are prose only (regions, release strategy, KMS, DR, CDN usage). */
  notes: Record<string, string[]>;
  /** Rows or sections that could not be understood; the rest of the document still counts. */
  problems: DocumentProblem[];
}

export interface DocumentProblem {
  line: number;
  message: string;
}

export interface ContainerRow {
  name: string;
  purpose: string;
  type: ContainerType;
  line: number;
}

export interface ScalingRow {
  container: string;
  min: number;
  max: number;
  triggers: DeclaredTrigger[];
  /** The trigger cell exactly as written. */
  triggerText: string;
  line: number;
}

export interface ResourcesRow {
  container: string;
  cpu: RequestLimit;
  memory: RequestLimit;
  note?: string;
  line: number;
}

export interface StoreRow {
  /** Slug used in the entity name, e.g. `redis`, `s3-hot`. */
  key: string;
  /** As the document names it, e.g. `Redis (per region)`. */
  label: string;
  kind: StoreKind;
  description: string;
  retention?: string;
  line: number;
}

export interface EgressRow {
  /** Name as written, parenthetical notes removed, e.g. `ai-gateway`, `S3/R2`. */
  target: string;
  note?: string;
  line: number;
}

export interface DiagramEdge {
  /** Node labels without their parenthetical notes, e.g. `authoring-api`, `Redis`. */
  from: string;
  to: string;
  /** Text on the connector, e.g. `HTTPS`, `authoring.course_draft.published.v1`. */
  via?: string;
  /** Whether the connector has arrowheads at both ends (data flows both ways). */
  bidirectional: boolean;
  line: number;
}
