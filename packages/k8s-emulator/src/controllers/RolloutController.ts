import { KubeObject } from '../store/ObjectStore';
import { timestamp } from './Clock';
import {
  ControllerContext,
  controllerRef,
  isReady,
  ownedBy,
  TYPES,
} from './context';

/** How long a step's AnalysisRun runs before it assesses the canary (simulated ms). */
export const ANALYSIS_MS = 15_000;
import { WorkloadController } from './WorkloadController';

/**
 * Argo Rollouts (argoproj.io/v1alpha1), enough of it for the fleet's two strategies:
 *
 * - canary without a traffic router: the canary ReplicaSet gets ceil(weight% x replicas)
 *   pods and the stable one the rest; `setWeight` steps move the weight, `pause: {}` waits
 *   for a promote, `pause: {duration}` continues by itself; an `analysis` step runs an
 *   AnalysisRun that assesses the canary pods' health and aborts the rollout when it
 *   fails; at the end the canary becomes stable.
 * - blueGreen: the new ReplicaSet comes up at full size as the preview; without
 *   auto-promotion the rollout pauses until promoted; promotion points the active
 *   selector at it and scales the old one down after scaleDownDelaySeconds.
 *
 * It honours what `kubectl argo rollouts` writes to the status subresource: promote
 * (`pauseConditions: null`), promote --full (`promoteFull: true`), abort (`abort: true`)
 * and retry (`abort: false`).
 */
export class RolloutController {
  constructor(
    private readonly ctx: ControllerContext,
    private readonly workloads: WorkloadController,
  ) {}

  reconcile() {
    for (const rollout of this.ctx.store.list(TYPES.rollouts)) {
      if (rollout.spec?.strategy?.blueGreen) this.blueGreen(rollout);
      else this.canary(rollout);
    }
  }

  private ensureReplicaSets(rollout: KubeObject) {
    const { hash, current, old } = this.workloads.ownedReplicaSets(rollout);
    const replicaSet =
      current ??
      this.workloads.createReplicaSet(rollout, hash, 0, {
        'rollouts-pod-template-hash': hash,
      });
    return { hash, current: replicaSet, old };
  }

  private canary(rollout: KubeObject) {
    const replicas = rollout.spec?.replicas ?? 1;
    const steps: any[] = rollout.spec?.strategy?.canary?.steps ?? [];
    const { hash, current, old } = this.ensureReplicaSets(rollout);
    const status = { ...(rollout.status ?? {}) };
    const now = this.ctx.now();
    const at = timestamp(now);
    const stableHash: string = status.stableRS ?? hash;
    const stable =
      stableHash === hash
        ? current
        : old.find(
            rs => rs.metadata.labels?.['pod-template-hash'] === stableHash,
          );

    if (stableHash === hash || !stable) {
      // Nothing to roll out: the current template is stable.
      this.workloads.setReplicas(current, replicas);
      old.forEach(rs => this.workloads.setReplicas(rs, 0));
      Object.assign(status, {
        stableRS: hash,
        currentPodHash: hash,
        currentStepIndex: steps.length,
        pauseConditions: undefined,
        controllerPause: undefined,
        abort: undefined,
        promoteFull: undefined,
        phase: 'Healthy',
        message: undefined,
        canary: {
          weights: {
            canary: { weight: 100, podTemplateHash: hash },
            stable: { weight: 100, podTemplateHash: hash },
          },
        },
      });
      this.writeStatus(rollout, status, current, replicas);
      return;
    }

    if (status.currentPodHash !== hash) {
      // A new template: start from the first step.
      this.clearAnalysis(rollout, status);
      Object.assign(status, {
        currentPodHash: hash,
        currentStepIndex: 0,
        pauseConditions: undefined,
        controllerPause: undefined,
        abort: undefined,
        promoteFull: undefined,
      });
    }
    if (status.abort === false && status.phase === 'Degraded') {
      // retry: start the steps again
      this.clearAnalysis(rollout, status);
      Object.assign(status, {
        abort: undefined,
        currentStepIndex: 0,
        pauseConditions: undefined,
        controllerPause: undefined,
      });
    }
    let weight = 0;
    if (status.abort) {
      weight = 0;
      Object.assign(status, {
        phase: 'Degraded',
        message: 'RolloutAborted: Rollout aborted update to revision',
        pauseConditions: undefined,
      });
    } else if (status.promoteFull) {
      weight = 100;
      status.currentStepIndex = steps.length;
    } else {
      let index = status.currentStepIndex ?? 0;
      // Walk the steps as far as they go without waiting.
      while (index < steps.length) {
        const step = steps[index];
        if (step.setWeight !== undefined) {
          index++;
          continue;
        }
        if (step.analysis) {
          const phase = this.stepAnalysis(rollout, status, hash, index, now);
          if (phase === 'Successful') {
            status.canary = {
              ...status.canary,
              currentStepAnalysisRunStatus: undefined,
            };
            index++;
            continue;
          }
          if (phase === 'Failed') {
            // As Argo does: a failed analysis aborts the rollout.
            status.abort = true;
          }
          break;
        }
        if (step.pause) {
          const paused = (status.pauseConditions ?? []).find(
            (c: any) => c.reason === 'CanaryPauseStep',
          );
          if (!paused && status.controllerPause) {
            // `kubectl argo rollouts promote` cleared the pause condition: go past this step.
            status.controllerPause = undefined;
            index++;
            continue;
          }
          if (!paused) {
            status.pauseConditions = [
              { reason: 'CanaryPauseStep', startTime: at },
            ];
            status.controllerPause = true;
            break;
          }
          const duration = parseDuration(step.pause.duration);
          if (
            duration !== undefined &&
            now - Date.parse(paused.startTime) >= duration
          ) {
            status.pauseConditions = undefined;
            status.controllerPause = undefined;
            index++;
            continue;
          }
          break;
        }
        index++;
      }
      status.currentStepIndex = index;
      for (let i = 0; i < Math.min(index + 1, steps.length); i++) {
        if (steps[i].setWeight !== undefined) weight = steps[i].setWeight;
      }
      if (index >= steps.length) weight = 100;
      if (status.abort) {
        weight = 0;
        Object.assign(status, {
          phase: 'Degraded',
          message: `RolloutAborted: Rollout aborted update to revision ${rollout.metadata.generation}: Metric "canary-health" assessed Failed`,
          pauseConditions: undefined,
        });
      }
    }

    const canaryReplicas = Math.min(
      replicas,
      Math.ceil((replicas * weight) / 100),
    );
    this.workloads.setReplicas(current, canaryReplicas);
    this.workloads.setReplicas(
      stable,
      weight >= 100 ? replicas : replicas - canaryReplicas,
    );
    old
      .filter(rs => rs !== stable)
      .forEach(rs => this.workloads.setReplicas(rs, 0));
    const canaryReady =
      this.ctx.store.get(
        TYPES.replicasets,
        current.metadata.namespace,
        current.metadata.name!,
      )?.status?.readyReplicas ?? 0;
    if (!status.abort && weight >= 100 && canaryReady >= replicas) {
      // Fully promoted and healthy: the canary becomes stable.
      status.stableRS = hash;
      this.ctx.recordEvent(
        rollout,
        'Normal',
        'RolloutCompleted',
        `Rollout completed update to revision ${rollout.metadata.generation}`,
        'rollouts-controller',
      );
    }
    if (!status.abort) {
      status.phase = status.pauseConditions ? 'Paused' : 'Progressing';
      status.message = status.pauseConditions
        ? 'CanaryPauseStep'
        : 'more replicas need to be updated';
    }
    // Other canary status (an AnalysisRun's status written by a test) is kept.
    status.canary = {
      ...status.canary,
      weights: {
        canary: { weight, podTemplateHash: hash },
        stable: { weight: 100 - weight, podTemplateHash: stableHash },
      },
    };
    this.writeStatus(rollout, status, current, replicas);
  }

  /**
   * The AnalysisRun of an analysis step (one per rollout, pod hash and step): created
   * Running, it lasts ANALYSIS_MS and then assesses the canary's health, the sandbox's
   * one metric: Successful when every canary pod is Ready and none restarted, else
   * Failed. Its result is also written where Argo writes it,
   * `status.canary.currentStepAnalysisRunStatus`.
   */
  private stepAnalysis(
    rollout: KubeObject,
    status: Record<string, any>,
    hash: string,
    index: number,
    now: number,
  ): 'Running' | 'Successful' | 'Failed' {
    const namespace = rollout.metadata.namespace;
    const name = `${rollout.metadata.name}-${hash}-${index}`;
    let run = this.ctx.store.get(TYPES.analysisRuns, namespace, name);
    if (!run) {
      run = this.ctx.store.create(TYPES.analysisRuns, {
        metadata: {
          name,
          namespace,
          labels: {
            'rollouts-pod-template-hash': hash,
            'rollout-type': 'Step',
            'step-index': String(index),
          },
          ownerReferences: [controllerRef(rollout)],
        },
        spec: {
          metrics: [{ name: 'canary-health', provider: { job: {} } }],
        },
        status: { phase: 'Running', startedAt: timestamp(now) },
      });
    }
    let phase = run.status?.phase ?? 'Running';
    let message = run.status?.message;
    if (
      phase === 'Running' &&
      now - Date.parse(run.status?.startedAt ?? timestamp(now)) >= ANALYSIS_MS
    ) {
      const pods = this.ctx.store
        .list(TYPES.pods, namespace)
        .filter(
          p =>
            p.metadata.labels?.['rollouts-pod-template-hash'] === hash &&
            !p.metadata.deletionTimestamp,
        );
      const ready = pods.filter(isReady).length;
      const restarts = pods.reduce(
        (n, p) =>
          n +
          (p.status?.containerStatuses ?? []).reduce(
            (m: number, s: any) => m + (s.restartCount ?? 0),
            0,
          ),
        0,
      );
      phase =
        pods.length > 0 && ready === pods.length && restarts === 0
          ? 'Successful'
          : 'Failed';
      message = `canary-health: ${ready}/${pods.length} canary pods Ready, ${restarts} restarts`;
      this.ctx.mutate(
        TYPES.analysisRuns,
        run,
        o => {
          o.status = { ...o.status, phase, message };
        },
        true,
      );
    }
    status.canary = {
      ...status.canary,
      currentStepAnalysisRunStatus: { name, status: phase, message },
    };
    return phase;
  }

  /** Forgets the step analyses of a rollout that starts its steps again. */
  private clearAnalysis(rollout: KubeObject, status: Record<string, any>) {
    status.canary = {
      ...status.canary,
      currentStepAnalysisRunStatus: undefined,
    };
    for (const run of this.ctx.store.list(
      TYPES.analysisRuns,
      rollout.metadata.namespace,
    ))
      if (ownedBy(run, rollout))
        this.ctx.store.delete(
          TYPES.analysisRuns,
          run.metadata.namespace,
          run.metadata.name!,
        );
  }

  private blueGreen(rollout: KubeObject) {
    const replicas = rollout.spec?.replicas ?? 1;
    const strategy = rollout.spec.strategy.blueGreen;
    const { hash, current, old } = this.ensureReplicaSets(rollout);
    const status = { ...(rollout.status ?? {}) };
    const now = this.ctx.now();
    const activeHash: string = status.stableRS ?? hash;
    // Aborted, the preview is scaled down; otherwise it runs at full size.
    if (!(status.abort && activeHash !== hash))
      this.workloads.setReplicas(current, replicas);
    if (activeHash !== hash) {
      // The active ReplicaSet keeps serving at the rollout's size (the HPA's too).
      const active = old.find(
        rs => rs.metadata.labels?.['pod-template-hash'] === activeHash,
      );
      if (active) this.workloads.setReplicas(active, replicas);
    }
    if (activeHash === hash) {
      old.forEach(rs => {
        const scaledDownAt =
          rs.metadata.annotations?.[
            'argo-rollouts.argoproj.io/scale-down-deadline'
          ];
        if (!scaledDownAt || Date.parse(scaledDownAt) <= now)
          this.workloads.setReplicas(rs, 0);
      });
      Object.assign(status, {
        stableRS: hash,
        currentPodHash: hash,
        pauseConditions: undefined,
        controllerPause: undefined,
        phase: 'Healthy',
        message: undefined,
        abort: undefined,
        promoteFull: undefined,
      });
    } else if (status.abort) {
      this.workloads.setReplicas(current, 0);
      Object.assign(status, {
        currentPodHash: hash,
        phase: 'Degraded',
        message: 'RolloutAborted: Rollout aborted update to revision',
        pauseConditions: undefined,
      });
    } else {
      const ready =
        this.ctx.store.get(
          TYPES.replicasets,
          current.metadata.namespace,
          current.metadata.name!,
        )?.status?.readyReplicas ?? 0;
      // `kubectl argo rollouts promote` clears the pause condition of a paused rollout.
      const userPromoted =
        status.controllerPause && !(status.pauseConditions ?? []).length;
      const promoted =
        status.promoteFull ||
        strategy.autoPromotionEnabled === true ||
        userPromoted;
      status.currentPodHash = hash;
      if (ready >= replicas && promoted) {
        const previous = old.find(
          rs => rs.metadata.labels?.['pod-template-hash'] === activeHash,
        );
        if (previous) {
          this.ctx.mutate(TYPES.replicasets, previous, o => {
            o.metadata.annotations = {
              ...o.metadata.annotations,
              'argo-rollouts.argoproj.io/scale-down-deadline': timestamp(
                now + (strategy.scaleDownDelaySeconds ?? 30) * 1000,
              ),
            };
          });
        }
        Object.assign(status, {
          stableRS: hash,
          pauseConditions: undefined,
          controllerPause: undefined,
          phase: 'Healthy',
          promoteFull: undefined,
        });
        this.ctx.recordEvent(
          rollout,
          'Normal',
          'SwitchService',
          `Switched selector for service '${strategy.activeService}' to ${hash}`,
          'rollouts-controller',
        );
      } else if (ready >= replicas) {
        if (!(status.pauseConditions ?? []).length) {
          status.pauseConditions = [
            { reason: 'BlueGreenPause', startTime: timestamp(now) },
          ];
        }
        Object.assign(status, {
          controllerPause: true,
          phase: 'Paused',
          message: 'BlueGreenPause',
        });
      } else {
        Object.assign(status, {
          phase: 'Progressing',
          message: 'waiting for the preview ReplicaSet to be ready',
        });
      }
    }
    status.blueGreen = {
      activeSelector: status.stableRS ?? activeHash,
      previewSelector: hash,
    };
    this.writeStatus(rollout, status, current, replicas);
  }

  private writeStatus(
    rollout: KubeObject,
    status: Record<string, any>,
    current: KubeObject,
    replicas: number,
  ) {
    const sets = this.ctx.store
      .list(TYPES.replicasets, rollout.metadata.namespace)
      .filter(rs =>
        (rs.metadata.ownerReferences ?? []).some(
          r => r.uid === rollout.metadata.uid,
        ),
      );
    const ready = sets.reduce(
      (n, rs) => n + (rs.status?.readyReplicas ?? 0),
      0,
    );
    const total = sets.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
    const updated =
      this.ctx.store.get(
        TYPES.replicasets,
        current.metadata.namespace,
        current.metadata.name!,
      )?.status?.replicas ?? 0;
    const clean = Object.fromEntries(
      Object.entries(status).filter(([, v]) => v !== undefined),
    );
    this.ctx.mutate(
      TYPES.rollouts,
      rollout,
      o => {
        o.status = {
          ...clean,
          observedGeneration: String(o.metadata.generation),
          replicas: total,
          updatedReplicas: updated,
          readyReplicas: ready,
          availableReplicas: ready,
          selector: Object.entries(o.spec?.selector?.matchLabels ?? {})
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
          HPAReplicas: replicas,
        };
      },
      true,
    );
  }
}

/** `30s`, `5m`, `1h` or a number of seconds; undefined means "until promoted". */
function parseDuration(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value * 1000;
  const match = /^(\d+)(s|m|h)?$/.exec(value);
  if (!match) return undefined;
  const unit =
    { s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 's' | 'm' | 'h'] ?? 1000;
  return Number(match[1]) * unit;
}
