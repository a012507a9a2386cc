import type {
  CoreV1Event,
  KubernetesListObject,
  KubernetesObject,
  V1Deployment,
  V1LabelSelector,
  V1Pod,
  V1PodDisruptionBudget,
  V1PodTemplateSpec,
  V1StatefulSet,
  V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';

/**
 * The wire shapes of the custom resources we read, as far as we read them. client-node
 * types the built-in kinds; Argo Rollouts, KEDA and metrics.k8s.io objects arrive as JSON.
 */

/** One step of an Argo Rollout's canary strategy (argoproj.io/v1alpha1). */
export interface ArgoCanaryStep {
  setWeight?: number;
  pause?: { duration?: string | number };
  analysis?: { templates?: Array<{ templateName?: string }> };
  experiment?: unknown;
  setCanaryScale?: { replicas?: number; weight?: number };
}

/** `status.canary.currentStepAnalysisRunStatus` and its background twin. */
export interface ArgoAnalysisRunStatus {
  name?: string;
  status?: string;
  message?: string;
}

/** An Argo Rollout: the fields of the replica count, strategy and progress. */
export interface ArgoRollout extends KubernetesObject {
  spec?: {
    replicas?: number;
    paused?: boolean;
    selector?: V1LabelSelector;
    template?: V1PodTemplateSpec;
    strategy?: {
      canary?: {
        steps?: ArgoCanaryStep[];
        analysis?: { templates?: Array<{ templateName?: string }> };
      };
      blueGreen?: {
        activeService?: string;
        previewService?: string;
        prePromotionAnalysis?: unknown;
        postPromotionAnalysis?: unknown;
      };
    };
  };
  status?: {
    phase?: string;
    message?: string;
    currentStepIndex?: number;
    pauseConditions?: Array<{ reason?: string; startTime?: string }>;
    abort?: boolean;
    stableRS?: string;
    currentPodHash?: string;
    readyReplicas?: number;
    availableReplicas?: number;
    updatedReplicas?: number;
    promoteFull?: boolean;
    canary?: {
      weights?: {
        canary?: { weight?: number; podTemplateHash?: string };
        stable?: { weight?: number; podTemplateHash?: string };
      };
      currentStepAnalysisRunStatus?: ArgoAnalysisRunStatus;
      currentBackgroundAnalysisRunStatus?: ArgoAnalysisRunStatus;
    };
    blueGreen?: {
      activeSelector?: string;
      previewSelector?: string;
      prePromotionAnalysisRunStatus?: ArgoAnalysisRunStatus;
      postPromotionAnalysisRunStatus?: ArgoAnalysisRunStatus;
    };
  };
}

/** A KEDA ScaledObject (keda.sh/v1alpha1): the triggers its HPA's external metrics come from. */
export interface KedaScaledObject extends KubernetesObject {
  spec?: {
    scaleTargetRef?: { kind?: string; name?: string };
    minReplicaCount?: number;
    maxReplicaCount?: number;
    triggers?: Array<{ type: string; metadata?: Record<string, string> }>;
  };
}

/** A metrics.k8s.io PodMetrics item: the containers' usage as quantities. */
export interface PodMetrics extends KubernetesObject {
  containers?: Array<{
    name: string;
    usage?: { cpu?: string; memory?: string };
  }>;
}

export type PodMetricsList = KubernetesListObject<PodMetrics>;

/** What each watched kind's informer holds. */
export interface WatchedObjects {
  pods: V1Pod;
  deployments: V1Deployment;
  statefulsets: V1StatefulSet;
  rollouts: ArgoRollout;
  hpas: V2HorizontalPodAutoscaler;
  scaledobjects: KedaScaledObject;
  pdbs: V1PodDisruptionBudget;
  events: CoreV1Event;
}
