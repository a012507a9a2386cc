/**
 * The declared model of a service, as its deployment-topology document states it.
 * Every field carries the 1-based line of the document it came from, so that
 * processing errors and entity annotations can point at the source.
 */
export interface TopologyDocument {
  containers: DeclaredContainer[];
  scaling: DeclaredScaling[];
  resources: DeclaredResources[];
  stores: DeclaredStore[];
  /** Names from the service-mesh section's "Egress to ..." bullets. */
  meshEgress: DeclaredEgress[];
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

export type ContainerType = 'service' | 'websocket' | 'worker';

export interface DeclaredContainer {
  name: string;
  purpose: string;
  type: ContainerType;
  line: number;
}

export type TriggerComparison = '>' | '>=' | '<' | '<=';

/**
 * One HPA trigger. `basis` says how the threshold is meant:
 * - `percent`: a utilization percentage of the request (CPU > 60%)
 * - `perPod`: an average per pod (active-editors > 100/pod)
 * - `total`: a total over the workload (outbox backlog > 5000)
 */
export interface DeclaredTrigger {
  /** Normalised metric key, e.g. `cpu`, `active-editors`, `queue-depth`. */
  metric: string;
  /** The metric as the document wrote it. */
  metricText: string;
  comparison: TriggerComparison;
  threshold: number;
  basis: 'percent' | 'perPod' | 'total';
  note?: string;
}

export interface DeclaredScaling {
  container: string;
  min: number;
  max: number;
  triggers: DeclaredTrigger[];
  /** The trigger cell exactly as written. */
  triggerText: string;
  line: number;
}

export interface Quantity {
  /** As written in the document, e.g. `1.5Gi`. */
  text: string;
  /** Cores for CPU, bytes for memory. */
  value: number;
}

export interface RequestLimit {
  request: Quantity;
  limit: Quantity;
}

export interface DeclaredResources {
  container: string;
  cpu: RequestLimit;
  memory: RequestLimit;
  note?: string;
  line: number;
}

export type StoreKind =
  | 'postgres'
  | 'redis'
  | 'object-storage'
  | 'cdn'
  | 'kms'
  | 'ephemeral-storage'
  | 'other';

export interface DeclaredStore {
  /** Slug used in the entity name, e.g. `redis`, `s3-hot`. */
  key: string;
  /** As the document names it, e.g. `Redis (per region)`. */
  label: string;
  kind: StoreKind;
  description: string;
  retention?: string;
  line: number;
}

export interface DeclaredEgress {
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
