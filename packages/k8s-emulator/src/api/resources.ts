/** One kind of resource the emulator serves, as discovery describes it. */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  /** Plural, lower-case: the path segment. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  /** Subresources served, e.g. `status`, `scale`, `eviction`. */
  subresources: string[];
  /** Served read-only (metrics.k8s.io). */
  readOnly?: boolean;
}

const ALL_VERBS = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];

function type(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    resource,
    kind,
    singular: kind.toLowerCase(),
    namespaced,
    subresources: [],
    ...extra,
  };
}

/** Every resource type the emulator serves. */
export const RESOURCE_TYPES: ResourceType[] = [
  type('', 'v1', 'namespaces', 'Namespace', false, {
    shortNames: ['ns'],
    subresources: ['status'],
  }),
  type('', 'v1', 'pods', 'Pod', true, {
    shortNames: ['po'],
    subresources: ['status', 'eviction'],
  }),
  type('', 'v1', 'services', 'Service', true, {
    shortNames: ['svc'],
    subresources: ['status'],
  }),
  type('', 'v1', 'configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  type('', 'v1', 'events', 'Event', true, { shortNames: ['ev'] }),
  type('', 'v1', 'limitranges', 'LimitRange', true, { shortNames: ['limits'] }),
  type('', 'v1', 'resourcequotas', 'ResourceQuota', true, {
    shortNames: ['quota'],
    subresources: ['status'],
  }),
  type('', 'v1', 'nodes', 'Node', false, {
    shortNames: ['no'],
    subresources: ['status'],
  }),
  type('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    subresources: ['status', 'scale'],
  }),
  type('apps', 'v1', 'replicasets', 'ReplicaSet', true, {
    shortNames: ['rs'],
    subresources: ['status', 'scale'],
  }),
  type('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    subresources: ['status', 'scale'],
  }),
  type('apps', 'v1', 'daemonsets', 'DaemonSet', true, {
    shortNames: ['ds'],
    subresources: ['status'],
  }),
  type('batch', 'v1', 'jobs', 'Job', true, { subresources: ['status'] }),
  type('batch', 'v1', 'cronjobs', 'CronJob', true, {
    shortNames: ['cj'],
    subresources: ['status'],
  }),
  type('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, {
    shortNames: ['ing'],
    subresources: ['status'],
  }),
  type(
    'autoscaling',
    'v2',
    'horizontalpodautoscalers',
    'HorizontalPodAutoscaler',
    true,
    {
      shortNames: ['hpa'],
      subresources: ['status'],
    },
  ),
  type('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, {
    shortNames: ['pdb'],
    subresources: ['status'],
  }),
  type('metrics.k8s.io', 'v1beta1', 'pods', 'PodMetrics', true, {
    readOnly: true,
  }),
  type('metrics.k8s.io', 'v1beta1', 'nodes', 'NodeMetrics', false, {
    readOnly: true,
  }),
  type('argoproj.io', 'v1alpha1', 'rollouts', 'Rollout', true, {
    shortNames: ['ro'],
    subresources: ['status', 'scale'],
  }),
  type('argoproj.io', 'v1alpha1', 'analysisruns', 'AnalysisRun', true, {
    shortNames: ['ar'],
    subresources: ['status'],
  }),
  type('keda.sh', 'v1alpha1', 'scaledobjects', 'ScaledObject', true, {
    shortNames: ['so'],
    subresources: ['status'],
  }),
];

export function verbsOf(resourceType: ResourceType): string[] {
  return resourceType.readOnly ? ['get', 'list'] : ALL_VERBS;
}

export function apiVersionOf(resourceType: ResourceType): string {
  const { group, version } = resourceType;
  return group ? `${group}/${version}` : version;
}

export function findType(
  group: string,
  version: string,
  resource: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t => t.group === group && t.version === version && t.resource === resource,
  );
}

export function typeOfKind(
  apiVersion: string,
  kind: string,
): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    t => apiVersionOf(t) === apiVersion && t.kind === kind,
  );
}
