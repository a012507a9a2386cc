import { JsonObject } from '@backstage/types';
import {
  ContainerRegionState,
  OperationStep,
} from '@internal/backstage-plugin-service-ops-common';
import { LiveStateService } from '../kubernetes/KubernetesLiveState';
import { KubernetesActions } from '../kubernetes/KubernetesActions';
import { CollabDrainNotices } from './CollabDrainNotices';
import { mergeSteps } from './steps';
import {
  Advance,
  OperationContext,
  OperationHandler,
} from './OperationExecutor';

/** How drains run (`serviceOps.operations.collabDrain`). */
export interface CollabDrainSettings {
  /** The container that is drained. */
  container: string;
  /** Default notice before the first eviction. */
  noticeSeconds: number;
  /** The Pods metric that counts connected sessions. */
  sessionsMetric: string;
  /** How long a replacement may take to become Ready before the drain fails. */
  replacementTimeoutSeconds: number;
  /** How long the sessions may take to come back after the last eviction. */
  reconnectTimeoutSeconds: number;
  /** The share of the sessions before the notice that counts as reconnected. */
  reconnectRatio: number;
  /** How often waits are checked (and the session count recorded). */
  pollSeconds: number;
  /** First and longest pause after a 429 from the Eviction API. */
  evictionBackoffSeconds: { initial: number; max: number };
  /** Estimate of a replacement's start, for the preview. */
  replacementSeconds: number;
}

export const DEFAULT_COLLAB_DRAIN_SETTINGS: CollabDrainSettings = {
  container: 'authoring-collab',
  noticeSeconds: 300,
  sessionsMetric: 'active_ws_connections',
  replacementTimeoutSeconds: 600,
  reconnectTimeoutSeconds: 300,
  reconnectRatio: 0.9,
  pollSeconds: 5,
  evictionBackoffSeconds: { initial: 2, max: 60 },
  replacementSeconds: 60,
};

type Phase = 'notify' | 'wait' | 'evict' | 'verify';

/** The drain's durable memory (the operation's `progress`). */
export interface CollabDrainProgress {
  phase: Phase;
  namespace: string;
  container: string;
  /** The pods to drain, in eviction order (fixed when the operation was created). */
  pods: string[];
  noticeSeconds: number;
  /** Pods that accepted the notice. */
  notified: string[];
  /** When the first eviction may happen (epoch ms), once notified. */
  deadline?: number;
  /** The container's sessions in the region when the notice went out. */
  sessionsBefore?: number;
  /** Pods evicted (or found gone) and replaced. */
  evicted: string[];
  /** The pod being evicted now. */
  current?: {
    pod: string;
    /** Ready pods just before its eviction: a replacement restores this. */
    readyBefore: number;
    /** Set once the Eviction API accepted it. */
    evictedAt?: number;
    attempts: number;
    blockedSince?: number;
  };
  /** When the sessions check began. */
  verifySince?: number;
}

export function drainSteps(
  pods: string[],
  noticeSeconds: number,
): OperationStep[] {
  return [
    {
      id: 'notify',
      title: `Notify the clients of ${pods.length} pod(s)`,
      status: 'pending',
    },
    {
      id: 'wait',
      title: `Wait ${noticeSeconds} s for clients to move`,
      status: 'pending',
    },
    ...pods.map(pod => ({
      id: `evict:${pod}`,
      title: `Evict ${pod} and wait for its replacement`,
      status: 'pending' as const,
    })),
    { id: 'verify', title: 'Sessions reconnected', status: 'pending' },
  ];
}

/** `16:42:23 UTC`: a moment in a step's detail. */
export function clockTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}

const readyPods = (region: ContainerRegionState) =>
  region.pods.filter(p => p.ready && !p.terminating);

/**
 * The collab drain (authoring-service's release strategy: "drain sessions (notify clients
 * 5 min before) → recreate"): notify each chosen pod over NATS with the deadline, wait for
 * the deadline while recording the sessions left, evict the pods one at a time through
 * the Eviction API (a 429 from a PodDisruptionBudget waits and tries again), wait for each
 * replacement to be Ready, then check that the sessions came back. Every side effect is
 * recorded before and after, so an executor that takes over never evicts a pod twice.
 * A cancel stops further evictions and tells the notified pods the drain is off.
 */
export class CollabDrainHandler implements OperationHandler {
  readonly kind = 'collab-drain' as const;

  constructor(
    private readonly deps: {
      liveState: LiveStateService;
      kubernetes: KubernetesActions;
      notices: CollabDrainNotices;
      settings: CollabDrainSettings;
    },
  ) {}

  /** The container's live state in the cluster, if it runs there. */
  region(cluster: string, container: string): ContainerRegionState | undefined {
    return this.deps.liveState.containerRegion(cluster, container);
  }

  /** Sessions per pod from the pods' metric; `undefined` when it cannot be read. */
  async sessions(
    cluster: string,
    namespace: string,
    container: string,
  ): Promise<Map<string, number> | undefined> {
    try {
      return await this.deps.kubernetes.podMetric({
        cluster,
        namespace,
        metric: this.deps.settings.sessionsMetric,
        labelSelector: `backstage.io/kubernetes-id=${container}`,
      });
    } catch {
      return undefined;
    }
  }

  async advance(context: OperationContext): Promise<Advance> {
    const { operation } = context;
    const progress = operation.progress as unknown as CollabDrainProgress;
    if (operation.state === 'cancelling') return this.cancel(context, progress);
    switch (progress.phase) {
      case 'notify':
        return this.notify(context, progress);
      case 'wait':
        return this.wait(context, progress);
      case 'evict':
        return this.evict(context, progress);
      case 'verify':
        return this.verify(context, progress);
      default:
        return { type: 'failed', error: `unknown phase ${progress.phase}` };
    }
  }

  private async save(
    context: OperationContext,
    progress: CollabDrainProgress,
    steps?: Record<string, Partial<OperationStep>>,
  ): Promise<void> {
    await context.save({
      progress: progress as unknown as JsonObject,
      ...(steps
        ? { steps: mergeSteps(context.operation.steps, steps, context.now()) }
        : {}),
    });
  }

  private async notify(
    context: OperationContext,
    progress: CollabDrainProgress,
  ): Promise<Advance> {
    const { operation } = context;
    const unavailable = this.deps.notices.unavailable();
    if (unavailable) {
      const error = `${unavailable}: the drain stopped before notifying anyone or evicting any pod`;
      await this.save(context, progress, {
        notify: { status: 'failed', detail: error },
      });
      return { type: 'failed', error };
    }
    const deadline =
      progress.deadline ?? context.now() + progress.noticeSeconds * 1000;
    if (progress.deadline === undefined) {
      progress.deadline = deadline;
      await this.save(context, progress, {
        notify: { status: 'running', detail: 'sending the drain notices' },
      });
    }
    let sessions = 0;
    for (const pod of progress.pods) {
      if (progress.notified.includes(pod)) continue;
      let reply;
      try {
        reply = await this.deps.notices.notify({
          operationId: operation.id,
          region: operation.cluster,
          pod,
          deadline,
          reason: operation.reason,
        });
      } catch (error) {
        return this.abandon(
          context,
          progress,
          `the drain notice to ${pod} failed: ${(error as Error).message}`,
        );
      }
      if (!reply.accepted)
        return this.abandon(
          context,
          progress,
          `${pod} refused the drain notice (${reply.code}): ${reply.message}`,
        );
      sessions += reply.sessions;
      progress.notified.push(pod);
      await this.save(context, progress, {
        notify: {
          status: 'running',
          detail: `${progress.notified.length} of ${progress.pods.length} pod(s) notified`,
        },
      });
    }
    const all = await this.sessions(
      operation.cluster,
      progress.namespace,
      progress.container,
    );
    progress.sessionsBefore = all
      ? [...all.values()].reduce((a, b) => a + b, 0)
      : undefined;
    progress.phase = 'wait';
    await this.save(context, progress, {
      notify: {
        status: 'succeeded',
        detail: `${progress.notified.length} pod(s) notified; ${Math.round(
          sessions,
        )} session(s) asked to move by ${clockTime(deadline)}`,
      },
      wait: { status: 'running', until: new Date(deadline).toISOString() },
    });
    return { type: 'continue' };
  }

  /** Before any eviction: tells the notified pods the drain is off, then fails. */
  private async abandon(
    context: OperationContext,
    progress: CollabDrainProgress,
    error: string,
  ): Promise<Advance> {
    const cancelled = await this.cancelNotices(context, progress);
    const message = `${error}; no pod was evicted${
      cancelled ? `, ${cancelled}` : ''
    }`;
    await this.save(context, progress, {
      notify: { status: 'failed', detail: message },
    });
    return { type: 'failed', error: message };
  }

  private async cancelNotices(
    context: OperationContext,
    progress: CollabDrainProgress,
  ): Promise<string> {
    const pending = progress.notified.filter(
      pod => !progress.evicted.includes(pod) && progress.current?.pod !== pod,
    );
    if (pending.length === 0) return '';
    const failed: string[] = [];
    for (const pod of pending) {
      try {
        await this.deps.notices.cancel({
          operationId: context.operation.id,
          region: context.operation.cluster,
          pod,
        });
      } catch {
        failed.push(pod);
      }
    }
    return failed.length
      ? `the cancel could not reach ${failed.join(
          ', ',
        )} (their clients were told to leave by ${clockTime(
          progress.deadline ?? 0,
        )})`
      : `${pending.length} notified pod(s) told the drain is cancelled`;
  }

  private async wait(
    context: OperationContext,
    progress: CollabDrainProgress,
  ): Promise<Advance> {
    const { operation } = context;
    const now = context.now();
    const deadline = progress.deadline!;
    const sessions = await this.sessions(
      operation.cluster,
      progress.namespace,
      progress.container,
    );
    const left = sessions
      ? progress.notified.reduce(
          (sum, pod) => sum + (sessions.get(pod) ?? 0),
          0,
        )
      : undefined;
    const detail =
      left === undefined
        ? `sessions cannot be read (${
            this.deps.settings.sessionsMetric
          }); evictions start at ${clockTime(deadline)}`
        : `${Math.round(
            left,
          )} session(s) left on the notified pods; evictions start at ${clockTime(
            deadline,
          )}`;
    const series = this.sessionSeries(context, left);
    if (now < deadline) {
      await this.save(context, progress, {
        wait: { status: 'running', detail, ...series },
      });
      return {
        type: 'wait',
        until: Math.min(deadline, now + this.deps.settings.pollSeconds * 1000),
      };
    }
    progress.phase = 'evict';
    await this.save(context, progress, {
      wait: {
        status: 'succeeded',
        ...series,
        detail:
          left === undefined
            ? 'the notice is over'
            : `the notice is over; ${Math.round(left)} session(s) were left`,
      },
    });
    return { type: 'continue' };
  }

  /** The wait step's series of sessions left, with `left` added (when it was read). */
  private sessionSeries(
    context: OperationContext,
    left: number | undefined,
  ): Pick<OperationStep, 'series'> {
    const step = context.operation.steps.find(s => s.id === 'wait');
    const points = [...(step?.series?.points ?? [])];
    if (left !== undefined)
      points.push({
        at: new Date(context.now()).toISOString(),
        value: Math.round(left),
      });
    if (points.length === 0) return {};
    return {
      series: {
        label: 'sessions left on the notified pods',
        points: points.slice(-120),
      },
    };
  }

  private async evict(
    context: OperationContext,
    progress: CollabDrainProgress,
  ): Promise<Advance> {
    const { operation } = context;
    const { settings, kubernetes } = this.deps;
    const now = context.now();
    const next = progress.pods.find(pod => !progress.evicted.includes(pod));
    if (!next) {
      progress.phase = 'verify';
      progress.verifySince = now;
      await this.save(context, progress, { verify: { status: 'running' } });
      return { type: 'continue' };
    }
    const region = this.region(operation.cluster, progress.container);
    if (!region)
      return {
        type: 'wait',
        until: now + settings.pollSeconds * 1000,
      };
    const step = `evict:${next}`;
    if (!progress.current || progress.current.pod !== next) {
      progress.current = {
        pod: next,
        readyBefore: readyPods(region).length,
        attempts: 0,
      };
      await this.save(context, progress, {
        [step]: { status: 'running', detail: 'evicting' },
      });
    }
    const current = progress.current;
    if (current.evictedAt === undefined) {
      const pod = region.pods.find(p => p.name === next);
      // Gone or terminating: evicted already (by us before a crash, or by someone else).
      if (!pod || pod.terminating) {
        current.evictedAt = now;
        await this.save(context, progress, {
          [step]: {
            status: 'running',
            detail: `${next} is already ${
              pod ? 'terminating' : 'gone'
            }; waiting for its replacement`,
          },
        });
        return { type: 'continue' };
      }
      current.attempts += 1;
      await this.save(context, progress);
      const result = await kubernetes.evict({
        cluster: operation.cluster,
        namespace: progress.namespace,
        pod: next,
      });
      if (result.result === 'blocked') {
        current.blockedSince = current.blockedSince ?? now;
        const pause = Math.min(
          settings.evictionBackoffSeconds.initial *
            2 ** Math.max(0, current.attempts - 1),
          settings.evictionBackoffSeconds.max,
        );
        await this.save(context, progress, {
          [step]: {
            status: 'running',
            detail: `the API server refused the eviction (429, attempt ${current.attempts}): ${result.message}; trying again in ${pause} s`,
          },
        });
        return { type: 'wait', until: now + pause * 1000 };
      }
      current.evictedAt = now;
      await this.save(context, progress, {
        [step]: {
          status: 'running',
          detail: `${next} ${
            result.result === 'gone' ? 'was already gone' : 'evicted'
          }; waiting for its replacement to be Ready`,
        },
      });
      return { type: 'continue' };
    }
    // Evicted: wait until the replacement is Ready.
    const stillThere = region.pods.some(p => p.name === next && !p.terminating);
    const ready = readyPods(region).filter(p => p.name !== next).length;
    const wanted = Math.min(
      current.readyBefore,
      region.workload?.desired ?? current.readyBefore,
    );
    if (!stillThere && ready >= wanted) {
      progress.evicted.push(next);
      delete progress.current;
      await this.save(context, progress, {
        [step]: {
          status: 'succeeded',
          detail: `replaced; ${ready} pod(s) Ready`,
        },
      });
      return { type: 'continue' };
    }
    if (now - current.evictedAt > settings.replacementTimeoutSeconds * 1000) {
      const error = `the replacement of ${next} was not Ready within ${
        settings.replacementTimeoutSeconds
      } s (${ready} of ${wanted} pods Ready); the drain stopped, ${
        progress.pods.length - progress.evicted.length - 1
      } pod(s) not evicted`;
      await this.save(context, progress, {
        [step]: { status: 'failed', detail: error },
      });
      await this.cancelNotices(context, progress);
      return { type: 'failed', error };
    }
    await this.save(context, progress, {
      [step]: {
        status: 'running',
        detail: `waiting for the replacement: ${ready} of ${wanted} pod(s) Ready`,
      },
    });
    return { type: 'wait', until: now + settings.pollSeconds * 1000 };
  }

  private async verify(
    context: OperationContext,
    progress: CollabDrainProgress,
  ): Promise<Advance> {
    const { operation } = context;
    const { settings } = this.deps;
    const now = context.now();
    const sessions = await this.sessions(
      operation.cluster,
      progress.namespace,
      progress.container,
    );
    if (!sessions || progress.sessionsBefore === undefined) {
      await this.save(context, progress, {
        verify: {
          status: 'skipped',
          detail: `sessions cannot be read (${settings.sessionsMetric}); reconnection not verified`,
        },
      });
      return { type: 'succeeded' };
    }
    const total = [...sessions.values()].reduce((a, b) => a + b, 0);
    const wanted = progress.sessionsBefore * settings.reconnectRatio;
    const detail = `${Math.round(total)} of ${Math.round(
      progress.sessionsBefore,
    )} session(s) connected`;
    if (total >= wanted) {
      await this.save(context, progress, {
        verify: { status: 'succeeded', detail },
      });
      return { type: 'succeeded' };
    }
    if (
      now - (progress.verifySince ?? now) >
      settings.reconnectTimeoutSeconds * 1000
    ) {
      const error = `only ${detail} ${
        settings.reconnectTimeoutSeconds
      } s after the last eviction (wanted ${Math.round(
        settings.reconnectRatio * 100,
      )}%)`;
      await this.save(context, progress, {
        verify: { status: 'failed', detail: error },
      });
      return { type: 'failed', error };
    }
    await this.save(context, progress, {
      verify: { status: 'running', detail },
    });
    return { type: 'wait', until: now + settings.pollSeconds * 1000 };
  }

  private async cancel(
    context: OperationContext,
    progress: CollabDrainProgress,
  ): Promise<Advance> {
    const told = await this.cancelNotices(context, progress);
    const skipped: Record<string, Partial<OperationStep>> = {};
    for (const step of context.operation.steps)
      if (step.status === 'pending' || step.status === 'running')
        skipped[step.id] = {
          status: 'skipped',
          detail: `cancelled by ${context.operation.cancelRequestedBy}${
            told ? `; ${told}` : ''
          }`,
        };
    if (progress.current?.evictedAt !== undefined)
      skipped[`evict:${progress.current.pod}`] = {
        status: 'succeeded',
        detail:
          'evicted before the cancel; its replacement is left to the Deployment',
      };
    progress.notified = progress.notified.filter(
      pod => progress.evicted.includes(pod) || progress.current?.pod === pod,
    );
    await this.save(context, progress, skipped);
    return { type: 'cancelled' };
  }
}
