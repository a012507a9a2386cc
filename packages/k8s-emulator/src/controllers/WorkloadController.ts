import { KubeObject } from '../store/ObjectStore';
import { timestamp } from './Clock';
import {
  ControllerContext,
  controllerRef,
  isReady,
  ownedBy,
  resolveIntOrPercent,
  templateHash,
  TYPES,
} from './context';

export interface WorkloadTimings {
  /** Simulated ms from creation until the containers run. */
  startupMs: number;
  /** Simulated ms from running until the pod is Ready. */
  readinessMs: number;
}

/**
 * A pod template annotation for tests and demos: its pods run but never get Ready, and
 * their containers restart every readiness period (a crash loop).
 */
export const CRASH_LOOP_ANNOTATION = 'k8s-emulator.service-ops.io/crash-loop';

const DEFAULT_TIMINGS: WorkloadTimings = {
  startupMs: 4_000,
  readinessMs: 6_000,
};

/**
 * Deployment -> ReplicaSet -> Pod, as kube-controller-manager does it: one ReplicaSet per
 * pod template (so a changed template, or a `kubectl.kubernetes.io/restartedAt`
 * annotation, rolls out), rolling updates honouring maxSurge and maxUnavailable, pods
 * that start and become Ready after delays, graceful termination, and pod metrics.
 */
export class WorkloadController {
  private readonly timings: WorkloadTimings;
  private ipCounter = 10;
  private metricsWrittenAt = -Infinity;

  constructor(
    private readonly ctx: ControllerContext,
    timings: Partial<WorkloadTimings> = {},
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  reconcile() {
    for (const deployment of this.ctx.store.list(TYPES.deployments))
      this.reconcileDeployment(deployment);
    for (const replicaSet of this.ctx.store.list(TYPES.replicasets))
      this.reconcileReplicaSet(replicaSet);
    this.reconcilePods();
    this.writePodMetrics();
  }

  /** The ReplicaSets a Deployment (or Rollout) owns, the one for its current template first. */
  ownedReplicaSets(owner: KubeObject) {
    const hash = templateHash(owner.spec?.template);
    const owned = this.ctx.store
      .list(TYPES.replicasets, owner.metadata.namespace)
      .filter(rs => ownedBy(rs, owner));
    const current = owned.find(
      rs => rs.metadata.labels?.['pod-template-hash'] === hash,
    );
    return { hash, current, old: owned.filter(rs => rs !== current) };
  }

  /** Creates the ReplicaSet for `owner`'s current template, with `replicas`. */
  createReplicaSet(
    owner: KubeObject,
    hash: string,
    replicas: number,
    extraLabels: Record<string, string> = {},
  ) {
    const template = structuredClone(owner.spec.template);
    template.metadata = template.metadata ?? {};
    template.metadata.labels = {
      ...template.metadata.labels,
      'pod-template-hash': hash,
      ...extraLabels,
    };
    return this.ctx.store.create(TYPES.replicasets, {
      metadata: {
        name: `${owner.metadata.name}-${hash}`,
        namespace: owner.metadata.namespace,
        labels: { ...template.metadata.labels },
        annotations: {
          'deployment.kubernetes.io/revision': String(
            owner.metadata.generation ?? 1,
          ),
        },
        ownerReferences: [controllerRef(owner)],
      },
      spec: {
        replicas,
        selector: {
          matchLabels: {
            ...owner.spec.selector?.matchLabels,
            'pod-template-hash': hash,
          },
        },
        template,
      },
    });
  }

  setReplicas(rs: KubeObject, replicas: number) {
    if (rs.spec.replicas === replicas) return;
    this.ctx.mutate(TYPES.replicasets, rs, o => {
      o.spec.replicas = replicas;
    });
  }

  private reconcileDeployment(deployment: KubeObject) {
    const desired = deployment.spec?.replicas ?? 1;
    const { hash, current, old } = this.ownedReplicaSets(deployment);
    const strategy = deployment.spec?.strategy ?? {};
    let newRs = current;
    if (strategy.type === 'Recreate') {
      const oldPods = old.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
      old.forEach(rs => this.setReplicas(rs, 0));
      if (!newRs)
        newRs = this.createReplicaSet(
          deployment,
          hash,
          oldPods === 0 ? desired : 0,
        );
      else if (oldPods === 0) this.setReplicas(newRs, desired);
    } else {
      const maxSurge = resolveIntOrPercent(
        strategy.rollingUpdate?.maxSurge,
        desired,
        '25%',
        true,
      );
      let maxUnavailable = resolveIntOrPercent(
        strategy.rollingUpdate?.maxUnavailable,
        desired,
        '25%',
        false,
      );
      if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
      if (!newRs) {
        const total = old.reduce((n, rs) => n + rs.spec.replicas, 0);
        const start = old.length
          ? Math.max(0, Math.min(desired, desired + maxSurge - total))
          : desired;
        newRs = this.createReplicaSet(deployment, hash, start);
      }
      const all = [newRs, ...old];
      const total = all.reduce((n, rs) => n + rs.spec.replicas, 0);
      if (newRs.spec.replicas < desired) {
        const room = desired + maxSurge - total;
        if (room > 0)
          this.setReplicas(
            newRs,
            Math.min(desired, newRs.spec.replicas + room),
          );
      } else if (newRs.spec.replicas > desired && old.length === 0) {
        this.setReplicas(newRs, desired);
      }
      // Scale old ReplicaSets down as far as availability allows; unready old pods go first.
      const ready = all.reduce(
        (n, rs) => n + (rs.status?.readyReplicas ?? 0),
        0,
      );
      let removable = Math.max(0, ready - (desired - maxUnavailable));
      for (const rs of old) {
        const unready = Math.max(
          0,
          rs.spec.replicas - (rs.status?.readyReplicas ?? 0),
        );
        const cut = Math.min(rs.spec.replicas, unready + removable);
        removable -= Math.max(0, cut - unready);
        this.setReplicas(rs, rs.spec.replicas - cut);
      }
      if (
        newRs.spec.replicas === desired &&
        newRs.status?.readyReplicas === desired
      ) {
        old.forEach(rs => this.setReplicas(rs, 0));
      }
    }
    this.writeWorkloadStatus(
      TYPES.deployments,
      deployment,
      newRs!,
      old,
      desired,
    );
  }

  /** Status of a Deployment-like owner from its ReplicaSets. */
  writeWorkloadStatus(
    type: typeof TYPES.deployments,
    owner: KubeObject,
    newRs: KubeObject,
    old: KubeObject[],
    desired: number,
  ) {
    const refreshed = [newRs, ...old].map(
      rs =>
        this.ctx.store.get(
          TYPES.replicasets,
          rs.metadata.namespace,
          rs.metadata.name!,
        ) ?? rs,
    );
    const replicas = refreshed.reduce(
      (n, rs) => n + (rs.status?.replicas ?? 0),
      0,
    );
    const ready = refreshed.reduce(
      (n, rs) => n + (rs.status?.readyReplicas ?? 0),
      0,
    );
    const updated = refreshed[0].status?.replicas ?? 0;
    const at = timestamp(this.ctx.now());
    const available =
      ready >=
      desired -
        resolveIntOrPercent(
          owner.spec?.strategy?.rollingUpdate?.maxUnavailable,
          desired,
          '25%',
          false,
        );
    const complete =
      updated === desired && ready === desired && replicas === desired;
    this.ctx.mutate(
      type,
      owner,
      o => {
        const previous = o.status?.conditions ?? [];
        const condition = (
          kind: string,
          status: boolean,
          reason: string,
          message: string,
        ) => {
          const before = previous.find((c: any) => c.type === kind);
          const value = status ? 'True' : 'False';
          return {
            type: kind,
            status: value,
            reason,
            message,
            lastUpdateTime:
              before?.status === value && before?.reason === reason
                ? before.lastUpdateTime
                : at,
            lastTransitionTime:
              before?.status === value ? before.lastTransitionTime : at,
          };
        };
        o.status = {
          ...o.status,
          observedGeneration: o.metadata.generation,
          replicas,
          updatedReplicas: updated,
          readyReplicas: ready,
          availableReplicas: ready,
          unavailableReplicas: Math.max(0, desired - ready),
          conditions: [
            condition(
              'Available',
              available,
              available
                ? 'MinimumReplicasAvailable'
                : 'MinimumReplicasUnavailable',
              available
                ? 'Deployment has minimum availability.'
                : 'Deployment does not have minimum availability.',
            ),
            condition(
              'Progressing',
              true,
              complete ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated',
              complete
                ? `ReplicaSet "${newRs.metadata.name}" has successfully progressed.`
                : `ReplicaSet "${newRs.metadata.name}" is progressing.`,
            ),
          ],
        };
      },
      true,
    );
  }

  private reconcileReplicaSet(rs: KubeObject) {
    const pods = this.ctx.store
      .scan(TYPES.pods, rs.metadata.namespace)
      .filter(p => ownedBy(p, rs) && !p.metadata.deletionTimestamp);
    const desired = rs.spec?.replicas ?? 0;
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i++) this.createPod(rs);
    } else if (pods.length > desired) {
      const victims = [...pods]
        .sort(
          (a, b) =>
            Number(isReady(a)) - Number(isReady(b)) ||
            String(b.metadata.creationTimestamp).localeCompare(
              String(a.metadata.creationTimestamp),
            ),
        )
        .slice(0, pods.length - desired);
      victims.forEach(pod => this.terminate(pod));
    }
    const active = this.ctx.store
      .scan(TYPES.pods, rs.metadata.namespace)
      .filter(p => ownedBy(p, rs) && !p.metadata.deletionTimestamp);
    const ready = active.filter(isReady).length;
    this.ctx.mutate(
      TYPES.replicasets,
      rs,
      o => {
        o.status = {
          replicas: active.length,
          readyReplicas: ready,
          availableReplicas: ready,
          fullyLabeledReplicas: active.length,
          observedGeneration: o.metadata.generation,
        };
      },
      true,
    );
  }

  private createPod(rs: KubeObject) {
    const template = rs.spec.template ?? {};
    const nodes = this.ctx.store.list(TYPES.nodes);
    const node = nodes.length
      ? nodes[Math.floor(this.ctx.random.next() * nodes.length)]
      : undefined;
    const created = this.ctx.store.create(TYPES.pods, {
      metadata: {
        name: `${rs.metadata.name}-${this.ctx.random.suffix()}`,
        namespace: rs.metadata.namespace,
        labels: { ...template.metadata?.labels },
        annotations: { ...template.metadata?.annotations },
        ownerReferences: [controllerRef(rs)],
        creationTimestamp: timestamp(this.ctx.now()),
      },
      spec: {
        ...structuredClone(template.spec ?? {}),
        ...(node ? { nodeName: node.metadata.name } : {}),
      },
    });
    this.ctx.mutate(
      TYPES.pods,
      created,
      o => {
        o.status = {
          phase: 'Pending',
          qosClass: 'Burstable',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'True',
              lastTransitionTime: timestamp(this.ctx.now()),
            },
          ],
        };
      },
      true,
    );
  }

  /** Graceful deletion: the pod is marked and removed once its grace period has passed. */
  terminate(pod: KubeObject) {
    const grace = pod.spec?.terminationGracePeriodSeconds ?? 30;
    this.ctx.mutate(TYPES.pods, pod, o => {
      o.metadata.deletionTimestamp = timestamp(this.ctx.now() + grace * 1000);
      o.metadata.deletionGracePeriodSeconds = grace;
    });
  }

  private reconcilePods() {
    const now = this.ctx.now();
    for (const pod of this.ctx.store.list(TYPES.pods)) {
      if (pod.metadata.deletionTimestamp) {
        if (Date.parse(pod.metadata.deletionTimestamp) <= now) {
          this.ctx.store.delete(
            TYPES.pods,
            pod.metadata.namespace,
            pod.metadata.name!,
          );
          const metrics = this.ctx.store.get(
            TYPES.podMetrics,
            pod.metadata.namespace,
            pod.metadata.name!,
          );
          if (metrics)
            this.ctx.store.delete(
              TYPES.podMetrics,
              pod.metadata.namespace,
              pod.metadata.name!,
            );
        } else if (isReady(pod) || pod.status?.phase === 'Running') {
          this.setPodState(pod, 'Running', false);
        }
        continue;
      }
      const age = now - Date.parse(pod.metadata.creationTimestamp!);
      if (
        pod.metadata.annotations?.[CRASH_LOOP_ANNOTATION] === 'true' &&
        pod.status?.phase === 'Running'
      ) {
        // A bad build: it never gets Ready and restarts every readiness period.
        const restarts = Math.floor(
          (age - this.timings.startupMs) / this.timings.readinessMs,
        );
        if (restarts > 0) this.crash(pod, restarts);
        continue;
      }
      if (pod.status?.phase === 'Pending' && age >= this.timings.startupMs) {
        this.setPodState(pod, 'Running', false);
      } else if (
        pod.status?.phase === 'Running' &&
        !isReady(pod) &&
        age >= this.timings.startupMs + this.timings.readinessMs
      ) {
        this.setPodState(pod, 'Running', true);
      }
    }
  }

  /** Records `restarts` restarts of a crash-looping pod's containers (Error, exit 1). */
  private crash(pod: KubeObject, restarts: number) {
    const statuses = pod.status?.containerStatuses ?? [];
    if (statuses.every((s: any) => (s.restartCount ?? 0) >= restarts)) return;
    const at = timestamp(this.ctx.now());
    this.ctx.mutate(
      TYPES.pods,
      pod,
      o => {
        o.status.containerStatuses = statuses.map((s: any) => ({
          ...s,
          ready: false,
          restartCount: restarts,
          lastState: {
            terminated: { exitCode: 1, reason: 'Error', finishedAt: at },
          },
        }));
      },
      true,
    );
  }

  private setPodState(pod: KubeObject, phase: string, ready: boolean) {
    const at = timestamp(this.ctx.now());
    this.ctx.mutate(
      TYPES.pods,
      pod,
      o => {
        const startedAt = o.status?.startTime ?? at;
        const readyText = ready ? 'True' : 'False';
        const before = (type: string) =>
          (o.status?.conditions ?? []).find((c: any) => c.type === type);
        const condition = (type: string, status: string) => ({
          type,
          status,
          lastTransitionTime:
            before(type)?.status === status
              ? before(type).lastTransitionTime
              : at,
        });
        o.status = {
          ...o.status,
          phase,
          hostIP: o.status?.hostIP ?? `10.0.0.${1 + (this.ipCounter % 3)}`,
          podIP:
            o.status?.podIP ??
            `10.244.${Math.floor(this.ipCounter / 250) % 250}.${
              this.ipCounter++ % 250
            }`,
          startTime: startedAt,
          conditions: [
            condition('PodScheduled', 'True'),
            condition('Initialized', 'True'),
            condition('ContainersReady', readyText),
            condition('Ready', readyText),
          ],
          containerStatuses: (o.spec?.containers ?? []).map((c: any) => {
            const previous = (o.status?.containerStatuses ?? []).find(
              (s: any) => s.name === c.name,
            );
            return {
              name: c.name,
              image: c.image,
              imageID: `${c.image}@sha256:${templateHashOf(c.image)}`,
              containerID:
                previous?.containerID ??
                `containerd://${templateHashOf(`${o.metadata.uid}/${c.name}`)}`,
              ready,
              started: true,
              restartCount: previous?.restartCount ?? 0,
              state: { running: { startedAt } },
              ...(previous?.lastState ? { lastState: previous.lastState } : {}),
            };
          }),
        };
      },
      true,
    );
  }

  /** metrics-server scrapes every 15 s; so does this. */
  private writePodMetrics() {
    const now = this.ctx.now();
    if (now - this.metricsWrittenAt < 15_000) return;
    this.metricsWrittenAt = now;
    for (const pod of this.ctx.store.scan(TYPES.pods)) {
      if (pod.status?.phase !== 'Running') continue;
      const containers = (pod.spec?.containers ?? []).map((c: any) => {
        const usage = this.ctx.metrics.containerUsage(pod, c.name, now);
        return {
          name: c.name,
          usage: {
            cpu: `${Math.max(0, Math.round(usage.cpu * 1e9))}n`,
            memory: `${Math.max(0, Math.round(usage.memory / 1024))}Ki`,
          },
        };
      });
      const object = {
        metadata: {
          name: pod.metadata.name,
          namespace: pod.metadata.namespace,
          labels: pod.metadata.labels,
        },
        timestamp: timestamp(now),
        window: '15s',
        containers,
      } as unknown as KubeObject;
      const existing = this.ctx.store.get(
        TYPES.podMetrics,
        pod.metadata.namespace,
        pod.metadata.name!,
      );
      if (existing)
        this.ctx.store.update(TYPES.podMetrics, {
          ...existing,
          ...object,
          metadata: { ...existing.metadata, labels: pod.metadata.labels },
        });
      else this.ctx.store.create(TYPES.podMetrics, object);
    }
  }
}

function templateHashOf(text: string) {
  return templateHash(text) + templateHash(`${text}#`);
}
