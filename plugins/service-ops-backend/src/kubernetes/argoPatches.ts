import { RolloutAction } from '@internal/backstage-plugin-service-ops-common';
import type { ArgoRollout } from './wireTypes';

/**
 * The JSON merge patches `kubectl argo rollouts` sends for an action, computed from the
 * rollout as read just before:
 *
 * - `status`: for the status subresource (Argo Rollouts v0.10+), sent first;
 * - `spec`: for the main resource, sent after the status patch (promote of a rollout
 *   paused by `spec.paused`);
 * - `unified`: for the main resource when the status subresource answers 404 (v0.9,
 *   status in the main resource), instead of `spec`.
 *
 * As in argoproj/argo-rollouts (pkg/kubectl-argo-rollouts/cmd):
 * - promote/promote.go (`getPatches`, commit 050bf5fa): a full promote sends
 *   `{"status":{"promoteFull":true}}` when `currentPodHash != stableRS`; a promote sends
 *   `{"spec":{"paused":false}}` when `spec.paused`, `{"status":{"pauseConditions":null}}`
 *   when there are pause conditions, else (a canary between pauses, e.g. in an analysis
 *   step) `{"status":{"pauseConditions":null,"currentStepIndex":i+1}}`; the unified
 *   fallback is `{"spec":{"paused":false},"status":{"pauseConditions":null}}` (with the
 *   step index in the last case). The CLI sends no fallback for a full promote; we send
 *   the same body to the main resource, as abort and retry do.
 * - abort/abort.go (commit 032a171d): `{"status":{"abort":true}}`, status first, the same
 *   body to the main resource on 404.
 * - retry/retry.go (commit 1676f2f3): `{"status":{"abort":false}}`, likewise.
 *
 * Unlike the CLI, every body also carries `metadata.resourceVersion` of the rollout as
 * read (added by `KubernetesActions.patchRollout`): the API server refuses a patch of an
 * object changed since with 409, which makes "promote the step I saw" a compare-and-set.
 */
export interface ArgoPatches {
  status?: Record<string, unknown>;
  spec?: Record<string, unknown>;
  unified?: Record<string, unknown>;
}

export function argoPatches(
  rollout: ArgoRollout,
  action: RolloutAction,
): ArgoPatches {
  const status = rollout.status ?? {};
  switch (action) {
    case 'abort':
      return {
        status: { status: { abort: true } },
        unified: { status: { abort: true } },
      };
    case 'retry':
      return {
        status: { status: { abort: false } },
        unified: { status: { abort: false } },
      };
    case 'promote-full':
      if (status.currentPodHash === status.stableRS) return {};
      return {
        status: { status: { promoteFull: true } },
        unified: { status: { promoteFull: true } },
      };
    case 'promote': {
      const patches: ArgoPatches = {
        unified: { spec: { paused: false }, status: { pauseConditions: null } },
      };
      if (rollout.spec?.paused) patches.spec = { spec: { paused: false } };
      if ((status.pauseConditions ?? []).length > 0) {
        patches.status = { status: { pauseConditions: null } };
      } else if (rollout.spec?.strategy?.canary) {
        const steps = rollout.spec.strategy.canary.steps ?? [];
        const index = status.currentStepIndex ?? 0;
        const next = index < steps.length ? index + 1 : index;
        patches.status = {
          status: { pauseConditions: null, currentStepIndex: next },
        };
        patches.unified = {
          spec: { paused: false },
          status: { pauseConditions: null, currentStepIndex: next },
        };
      }
      return patches;
    }
    default:
      throw new Error(`unknown rollout action ${action}`);
  }
}
