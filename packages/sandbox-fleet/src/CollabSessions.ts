import type { Clock, KubeObject, ObjectStore } from '@internal/k8s-emulator';
import { findType } from '@internal/k8s-emulator';
import type {
  CollabDrainCancelOutcome,
  CollabDrainNotice,
  CollabDrainOutcome,
  CollabDrainTarget,
} from '@internal/sandbox-nats';

const PODS = findType('', 'v1', 'pods')!;

export interface CollabSessionsOptions {
  /** The region (a subject token of the drain contract). */
  region: string;
  /** The region's cluster, whose collab pods hold the sessions. */
  store: ObjectStore;
  /** The fleet's simulated clock. */
  clock: Clock;
  /**
   * Simulated ms per real ms (the fleet's acceleration; 1 for a manual clock): a
   * notice's deadline is wall-clock time, and the pod drains by the simulated instant
   * the fleet's clock will show then.
   */
  acceleration: number;
  /** The region's WebSocket connections at simulated `now` (the load model's day). */
  total(now: number): number;
  /** Default `authoring`. */
  namespace?: string;
  /** The pods' `app` label; default `authoring-collab`. */
  app?: string;
}

/** One pod's share, as {@link CollabSessions.distribution} gives it. */
export interface CollabPodSessions {
  pod: string;
  ready: boolean;
  sessions: number;
  /** Present while the pod drains: by when (wall-clock epoch ms), for which operations. */
  draining?: { deadline: number; operations: string[] };
}

/** One operation's notice to a pod. */
interface Hold {
  /** Wall-clock epoch ms, as the notice said. */
  deadline: number;
  /** The same instant on the fleet's clock. */
  until: number;
}

/**
 * A draining pod keeps `fraction` of its fair share: `anchorFraction` at simulated
 * `anchorAt`, falling linearly to 0 at `until`. A sooner deadline (another operation)
 * or a later one (a cancel of the soonest) re-anchors, so the count never jumps.
 */
interface Drain {
  holds: Map<string, Hold>;
  anchorAt: number;
  anchorFraction: number;
  until: number;
  deadline: number;
}

const isReady = (pod: KubeObject) =>
  !pod.metadata.deletionTimestamp &&
  (pod.status?.conditions ?? []).some(
    (c: any) => c.type === 'Ready' && c.status === 'True',
  );

/**
 * The WebSocket sessions of one region's collab pods (`active_ws_connections`), and
 * the pods' side of the drain contract.
 *
 * The region's total (the load model's day) is spread over the Ready pods, whole
 * sessions, the remainder to the first pods by name. A pod that accepted a drain notice
 * keeps a share that falls linearly from its fair share at the notice to 0 at the
 * deadline, on the fleet's clock; the clients it loses reconnect to the Ready pods that
 * are not draining, so the region's total (what the HPA averages) is conserved. When
 * every Ready pod drains, the clients that left wait and come back once a pod is Ready.
 * A cancelled pod takes its fair share again at once; a pod that is not Ready (starting,
 * terminating) holds none, and a replacement shares like the others once Ready.
 * Deterministic: the same store, clock and notices give the same counts.
 */
export class CollabSessions implements CollabDrainTarget {
  /** The Pods metric these sessions are. */
  static readonly METRIC = 'active_ws_connections';

  readonly region: string;
  readonly namespace: string;
  readonly app: string;
  private readonly drains = new Map<string, Drain>();
  private changes = 0;
  private cached?: {
    now: number;
    total: number;
    resourceVersion: number;
    changes: number;
    pods: CollabPodSessions[];
  };

  constructor(private readonly options: CollabSessionsOptions) {
    this.region = options.region;
    this.namespace = options.namespace ?? 'authoring';
    this.app = options.app ?? 'authoring-collab';
  }

  /** The sessions of one pod at simulated `now`; 0 for a pod that is not Ready or not ours. */
  sessions(pod: string, now = this.options.clock.now()): number {
    return this.distribution(now).find(p => p.pod === pod)?.sessions ?? 0;
  }

  /** Every collab pod of the region with its sessions at simulated `now`, by name. */
  distribution(now = this.options.clock.now()): CollabPodSessions[] {
    const resourceVersion = this.options.store.resourceVersion;
    const total = Math.max(0, Math.round(this.options.total(now)));
    const cached = this.cached;
    if (
      cached &&
      cached.now === now &&
      cached.total === total &&
      cached.resourceVersion === resourceVersion &&
      cached.changes === this.changes
    ) {
      return cached.pods;
    }
    const pods = this.pods();
    this.forgetGone(pods);
    const ready = pods.filter(isReady);
    const fair = ready.length ? total / ready.length : 0;
    const counts = new Map<string, number>();
    let left = total;
    for (const pod of ready) {
      const drain = this.drains.get(pod.metadata.name!);
      if (!drain) continue;
      const sessions = Math.floor(fraction(drain, now) * fair);
      counts.set(pod.metadata.name!, sessions);
      left -= sessions;
    }
    const open = ready.filter(p => !this.drains.has(p.metadata.name!));
    open.forEach((pod, index) => {
      const base = Math.floor(left / open.length);
      counts.set(
        pod.metadata.name!,
        base + (index < left % open.length ? 1 : 0),
      );
    });
    const result = pods.map((pod): CollabPodSessions => {
      const name = pod.metadata.name!;
      const drain = this.drains.get(name);
      return {
        pod: name,
        ready: isReady(pod),
        sessions: counts.get(name) ?? 0,
        ...(drain
          ? {
              draining: {
                deadline: drain.deadline,
                operations: [...drain.holds.keys()],
              },
            }
          : {}),
      };
    });
    this.cached = {
      now,
      total,
      resourceVersion,
      changes: this.changes,
      pods: result,
    };
    return result;
  }

  /**
   * A drain notice. Refused for a pod the region does not run (`unknown-pod`) or one
   * that is not Ready (`not-ready`). A repeat under the same operation accepts again
   * with the current sessions and changes nothing; another operation's notice is
   * accepted and the sooner deadline holds. A deadline already past drains at once.
   */
  drain(notice: CollabDrainNotice): CollabDrainOutcome {
    const now = this.options.clock.now();
    const pod = this.pod(notice.pod);
    if (!pod) return this.unknown(notice.pod);
    const existing = this.drains.get(notice.pod);
    if (existing?.holds.has(notice.operationId)) {
      return {
        accepted: true,
        sessions: this.sessions(notice.pod, now),
        deadline: existing.deadline,
      };
    }
    if (!isReady(pod)) {
      return {
        accepted: false,
        code: 'not-ready',
        message: `pod ${notice.pod} in ${this.region} is not Ready${
          pod.metadata.deletionTimestamp ? ' (terminating)' : ''
        }; it holds no sessions to drain`,
      };
    }
    const hold = { deadline: notice.deadline, until: this.until(notice, now) };
    const drain = existing ?? {
      holds: new Map<string, Hold>(),
      anchorAt: now,
      anchorFraction: 1,
      until: hold.until,
      deadline: hold.deadline,
    };
    drain.holds.set(notice.operationId, hold);
    this.reanchor(drain, now);
    this.drains.set(notice.pod, drain);
    this.changes++;
    return {
      accepted: true,
      sessions: this.sessions(notice.pod, now),
      deadline: drain.deadline,
    };
  }

  /**
   * Withdraws an operation's notice: the pod takes its fair share again, unless another
   * operation's notice still holds it (then it drains by that one's deadline).
   * `cancelled` is false when the pod was not draining under that operation.
   */
  cancelDrain(request: {
    operationId: string;
    pod: string;
  }): CollabDrainCancelOutcome {
    const now = this.options.clock.now();
    if (!this.pod(request.pod)) return this.unknown(request.pod);
    const drain = this.drains.get(request.pod);
    const cancelled = drain?.holds.delete(request.operationId) ?? false;
    if (drain && cancelled) {
      if (drain.holds.size) this.reanchor(drain, now);
      else this.drains.delete(request.pod);
      this.changes++;
    }
    return {
      accepted: true,
      cancelled,
      sessions: this.sessions(request.pod, now),
    };
  }

  private pods(): KubeObject[] {
    return this.options.store
      .scan(PODS, this.namespace)
      .filter(p => p.metadata.labels?.app === this.app)
      .sort((a, b) => a.metadata.name!.localeCompare(b.metadata.name!));
  }

  private pod(name: string): KubeObject | undefined {
    const pod = this.options.store.get(PODS, this.namespace, name);
    return pod?.metadata.labels?.app === this.app ? pod : undefined;
  }

  private unknown(pod: string) {
    return {
      accepted: false as const,
      code: 'unknown-pod' as const,
      message: `${this.region} runs no ${this.app} pod named ${pod} (namespace ${this.namespace})`,
    };
  }

  /** The notice's wall-clock deadline on the fleet's clock. */
  private until(notice: CollabDrainNotice, now: number): number {
    return now + (notice.deadline - Date.now()) * this.options.acceleration;
  }

  /** Keeps the soonest hold's deadline, from the fraction the pod keeps now. */
  private reanchor(drain: Drain, now: number) {
    const soonest = [...drain.holds.values()].reduce((a, b) =>
      b.until < a.until ? b : a,
    );
    if (soonest.until === drain.until) return;
    drain.anchorFraction = fraction(drain, now);
    drain.anchorAt = now;
    drain.until = soonest.until;
    drain.deadline = soonest.deadline;
  }

  /** Drains of pods that are gone (evicted, replaced) end with them. */
  private forgetGone(pods: KubeObject[]) {
    const names = new Set(pods.map(p => p.metadata.name));
    for (const name of this.drains.keys()) {
      if (!names.has(name)) {
        this.drains.delete(name);
        this.changes++;
      }
    }
  }
}

function fraction(drain: Drain, now: number): number {
  if (now >= drain.until) return 0;
  if (now <= drain.anchorAt) return drain.anchorFraction;
  return (
    (drain.anchorFraction * (drain.until - now)) /
    (drain.until - drain.anchorAt)
  );
}
