/** A Kubernetes quantity as a document wrote it and its scalar value. */
export interface Quantity {
  /** As written, e.g. `1.5Gi`. */
  text: string;
  /** Cores for CPU, bytes for memory. */
  value: number;
}

export interface RequestLimit {
  request: Quantity;
  limit: Quantity;
}

export type ContainerType = 'service' | 'websocket' | 'worker';

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

export type StoreKind =
  | 'postgres'
  | 'redis'
  | 'object-storage'
  | 'cdn'
  | 'kms'
  | 'ephemeral-storage'
  | 'other';

/** Declared scaling of a container, as stored on its entity. */
export interface DeclaredScaling {
  min: number;
  max: number;
  triggers: DeclaredTrigger[];
  /** The trigger cell exactly as written. */
  text: string;
  /** `<document url>#L<line>` */
  source: string;
}

/** Declared requests and limits of a container, as stored on its entity. */
export interface DeclaredResources {
  cpu: RequestLimit;
  memory: RequestLimit;
  note?: string;
  /** `<document url>#L<line>` */
  source: string;
}

/**
 * `spec.serviceOps` of a container Component generated from a topology document.
 */
export interface DeclaredContainer {
  /** Entity ref of the service the container belongs to. */
  service: string;
  container: string;
  scaling?: DeclaredScaling;
  resources?: DeclaredResources;
  /** Problems of the container's rows in the document (`<url>:<line>: <message>`). */
  problems?: string[];
}
