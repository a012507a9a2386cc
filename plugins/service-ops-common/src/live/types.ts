/** How fresh one cluster's (one region's) data is. */
export interface ClusterState {
  /** Cluster name from the `kubernetes` config; the sandbox names clusters after regions. */
  name: string;
  /**
   * - `syncing`: the first list has not completed yet;
   * - `live`: every watch is connected;
   * - `stale`: a watch failed; the data is as of `lastSyncAt`.
   */
  status: 'syncing' | 'live' | 'stale';
  /** When the data was last known to be current (ISO time). */
  lastSyncAt?: string;
  /** Why the cluster is stale. */
  error?: string;
}

/** CPU in cores, memory in bytes. */
export interface CpuMemory {
  cpu?: number;
  memory?: number;
}

/** One container of a pod: what it asks for, what it may use, what it uses. */
export interface LiveContainerResources {
  name: string;
  requests: CpuMemory;
  limits: CpuMemory;
  /** From metrics.k8s.io, sampled on an interval; absent when no sample exists yet. */
  usage?: CpuMemory;
}

export interface LivePod {
  name: string;
  namespace: string;
  phase: string;
  ready: boolean;
  restarts: number;
  /** ISO time the pod was created. */
  createdAt?: string;
  /** Reason of the last container termination, e.g. `OOMKilled`. */
  lastTerminationReason?: string;
  terminating: boolean;
  node?: string;
  /**
   * The pod template's hash (`rollouts-pod-template-hash`, else `pod-template-hash`): which
   * ReplicaSet (stable or canary, active or preview) the pod belongs to.
   */
  templateHash?: string;
  containers: LiveContainerResources[];
}

/** A canary or blue/green rollout's progress (Argo Rollouts). */
export interface LiveRolloutState {
  strategy: 'canary' | 'blueGreen';
  /** Argo's `status.phase`: Healthy, Progressing, Paused, Degraded. */
  phase?: string;
  message?: string;
  /** Canary: index of the current step and the number of steps. */
  currentStepIndex?: number;
  steps?: number;
  /** Canary: the weight the current step sets. */
  weight?: number;
  paused: boolean;
  pauseReason?: string;
  pausedSince?: string;
  aborted: boolean;
  stableHash?: string;
  canaryHash?: string;
  /** Canary: the strategy's steps, as declared. */
  canarySteps?: LiveCanaryStep[];
  /** Canary: the weights Argo reports (`status.canary.weights`), when it does. */
  weights?: { canary: number; stable: number };
  /** Blue/green: the pod hash the active and the preview Service select. */
  activeHash?: string;
  previewHash?: string;
  /** Whether the strategy runs analysis (an analysis step or background analysis). */
  analysisDeclared?: boolean;
  /** The AnalysisRuns Argo reports in the rollout's status, with their results. */
  analysisRuns?: LiveAnalysisRun[];
  /** `spec.paused`: paused by hand (`kubectl argo rollouts pause`). */
  pausedBySpec?: boolean;
  /** The rollout's revision (`rollout.argoproj.io/revision`). */
  revision?: string;
}

/** One step of a canary strategy. */
export interface LiveCanaryStep {
  index: number;
  kind:
    | 'setWeight'
    | 'pause'
    | 'analysis'
    | 'experiment'
    | 'setCanaryScale'
    | 'other';
  /** "set weight 10%", "pause until promoted", "pause 5m", "analysis: success-rate". */
  title: string;
  /** setWeight: the weight it sets. */
  weight?: number;
  /** pause: how long, when it continues by itself. */
  pauseDuration?: string;
}

/** An AnalysisRun of the rollout, as its status reports it. */
export interface LiveAnalysisRun {
  /** `step`: the current step's analysis; `background`: the rollout's background analysis. */
  kind: 'step' | 'background';
  name: string;
  /** Pending, Running, Successful, Failed, Error, Inconclusive. */
  status: string;
  message?: string;
}

export interface LiveWorkload {
  kind: 'Deployment' | 'StatefulSet' | 'Rollout';
  name: string;
  namespace: string;
  desired: number;
  ready: number;
  available: number;
  updated: number;
  /** RollingUpdate, Recreate, OnDelete, canary, blueGreen. */
  strategy?: string;
  rollout?: LiveRolloutState;
  /** The pod template's containers: requests and limits as deployed. */
  template: LiveContainerResources[];
}

export interface LiveHpaMetric {
  /** Resource, ContainerResource, Pods, Object or External. */
  type: string;
  /** `cpu`, `active_editors`, `s0-nats-jetstream-…`. */
  name: string;
  targetType: 'Utilization' | 'AverageValue' | 'Value';
  target: number;
  current?: number;
  /** "cpu: 72% of request (target 60%)". */
  description: string;
}

export interface LiveHpaCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  since?: string;
}

export interface LiveHpa {
  name: string;
  namespace: string;
  /** The workload it scales. */
  target: { kind: string; name: string };
  min: number;
  max: number;
  current: number;
  desired: number;
  metrics: LiveHpaMetric[];
  conditions: LiveHpaCondition[];
  lastScaleTime?: string;
  /** The KEDA ScaledObject that owns this HPA, when there is one. */
  scaledObject?: {
    name: string;
    triggers: Array<{ type: string; metadata: Record<string, string> }>;
  };
  /** The conditions in words: "at max replicas since 14:02", "cannot read metric …". */
  explanation: string[];
}

export interface LivePdb {
  name: string;
  minAvailable?: string;
  maxUnavailable?: string;
  currentHealthy: number;
  desiredHealthy: number;
  disruptionsAllowed: number;
}

export interface LiveEvent {
  reason: string;
  message: string;
  /** `Pod/authoring-api-7c9d-x2x4q` */
  object: string;
  count: number;
  lastSeen?: string;
}

export type HealthLevel = 'healthy' | 'degraded' | 'down' | 'unknown';

export interface Health {
  level: HealthLevel;
  /** Why, in words; empty when healthy. */
  reasons: string[];
}

export type DriftKind =
  | 'min'
  | 'max'
  | 'trigger'
  | 'threshold'
  | 'cpu-request'
  | 'cpu-limit'
  | 'memory-request'
  | 'memory-limit'
  | 'not-deployed'
  | 'not-declared';

/** A difference between the topology document and what runs in a cluster. */
export interface DriftFinding {
  kind: DriftKind;
  container: string;
  cluster: string;
  /** As the document declares it ("30", "1Gi", "cpu > 60%"); absent for `not-declared`. */
  declared?: string;
  /** As the cluster runs it; absent for `not-deployed`. */
  actual?: string;
  message: string;
}

/** One container's state in one region. */
export interface ContainerRegionState {
  cluster: string;
  workload?: LiveWorkload;
  pods: LivePod[];
  hpa?: LiveHpa;
  pdb?: LivePdb;
  /** Recent Warning events of the workload, its pods and its HPA, newest first. */
  warnings: LiveEvent[];
  health: Health;
}

export interface ContainerSnapshot {
  /** The container (workload) name, as `backstage.io/kubernetes-id` labels it. */
  container: string;
  /** Ref of the container's catalog entity, when it is declared. */
  entityRef?: string;
  /** Whether the topology document declares the container. */
  declared: boolean;
  regions: ContainerRegionState[];
  /** The worst of its regions. */
  health: Health;
}

/** What runs for an entity (a service or one container), in every configured cluster. */
export interface EntitySnapshot {
  entityRef: string;
  generatedAt: string;
  clusters: ClusterState[];
  containers: ContainerSnapshot[];
  drift: DriftFinding[];
}

/** One sample of a container's scaling in one region, for the history charts. */
export interface ScalingSample {
  /** ISO time. */
  at: string;
  cluster: string;
  container: string;
  desired: number;
  ready: number;
  min?: number;
  max?: number;
  /** Metric name -> current value (same units as the HPA metric's target). */
  metrics: Record<string, number>;
}

export interface ScalingHistory {
  entityRef: string;
  from: string;
  to: string;
  samples: ScalingSample[];
}

/** Signal channel that carries `{ entityRef, generatedAt }` when an entity's snapshot changes. */
export function liveStateChannel(entityRef: string): string {
  return `service-ops:live:${entityRef}`;
}

export interface LiveStateSignal {
  entityRef: string;
  generatedAt: string;
}
