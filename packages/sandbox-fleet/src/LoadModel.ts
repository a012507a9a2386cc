import type {
  KubeObject,
  MetricsProvider,
  ObjectStore,
} from '@internal/k8s-emulator';
import { findType, Random } from '@internal/k8s-emulator';
import { parseQuantity } from '@internal/backstage-plugin-service-ops-common';
import { RegionName, REGIONS } from './regions';

/** Sessions held per pod by something that knows better than an even spread (drains). */
export interface PodSessions {
  /** The pods' `app` label. */
  readonly app: string;
  sessions(pod: string, now: number): number;
}

const HOUR = 3_600_000;

/** Peak demand per region, relative to the us region. */
const REGION_SCALE: Record<RegionName, number> = {
  us: 1,
  eu: 0.8,
  me: 0.3,
  ap: 0.6,
};

/**
 * What drives each container at the peak of a us day: a total of a metric that the
 * load balancer spreads over the ready pods, and the CPU (cores) the total costs.
 */
const PEAK: Record<string, { metric?: string; total?: number; cores: number }> =
  {
    'authoring-api': { metric: 'active_editors', total: 1200, cores: 4 },
    'authoring-collab': {
      metric: 'active_ws_connections',
      total: 4000,
      cores: 3,
    },
    'authoring-worker': { cores: 0.8 },
    'authoring-ai-worker': { cores: 1.2 },
    'content-api': { cores: 4.5 },
    'content-builder': { cores: 20 },
    'content-bundler': { cores: 12 },
    'content-scorm-importer': { cores: 3 },
    'content-exporter': { cores: 2 },
    'content-outbox-relay': { cores: 0.6 },
  };

/**
 * Queues and backlogs (External metrics, by KEDA stream): work arrives at a rate that
 * follows the day (items per second at the us peak) and each Ready pod of the container
 * works `perPod` items per second off it, so a backlog grows under load and drains when
 * the autoscaler has added workers.
 */
export const QUEUES: Record<
  string,
  { container: string; arrival: number; perPod: number }
> = {
  'authoring-worker-outbox-backlog': {
    container: 'authoring-worker',
    arrival: 300,
    perPod: 50,
  },
  'authoring-ai-worker-ai-request-queue': {
    container: 'authoring-ai-worker',
    arrival: 20,
    perPod: 2,
  },
  'content-builder-queue-depth': {
    container: 'content-builder',
    arrival: 1.5,
    perPod: 0.1,
  },
  'content-bundler-queue-depth': {
    container: 'content-bundler',
    arrival: 20,
    perPod: 1,
  },
  'content-scorm-importer-queue-depth': {
    container: 'content-scorm-importer',
    arrival: 0.1,
    perPod: 0.02,
  },
  'content-exporter-queue-depth': {
    container: 'content-exporter',
    arrival: 0.3,
    perPod: 0.05,
  },
  'content-outbox-relay-outbox-backlog': {
    container: 'content-outbox-relay',
    arrival: 250,
    perPod: 80,
  },
};

interface Burst {
  at: number;
  size: number;
  /** Decay time constant, ms. */
  tau: number;
}

/**
 * The load on one region's services: a daily curve in the region's local time (quiet at
 * night, peaking mid-afternoon), enrollment bursts that pile work onto content-bundler,
 * and AI-queue spikes; seeded, so the same seed and start give the same day.
 */
export class LoadModel implements MetricsProvider {
  private store?: ObjectStore;
  private readonly bursts: Record<string, Burst[]>;
  private readonly backlogs = new Map<string, { value: number; at: number }>();
  private backlogSource?: (queue: string) => number | undefined;
  private readonly podSessions = new Map<string, PodSessions>();
  private readonly offsetHours: number;
  private readonly scale: number;

  constructor(readonly region: RegionName, seed: number, start: number) {
    this.offsetHours = REGIONS.find(r => r.name === region)!.utcOffsetHours;
    this.scale = REGION_SCALE[region];
    const generator = new Random(
      seed * 31 + REGIONS.findIndex(r => r.name === region),
    );
    const next = () => generator.next();
    const schedule = (
      everyHours: number,
      size: number,
      tauMinutes: number,
    ): Burst[] => {
      const bursts: Burst[] = [];
      let at = start;
      for (let i = 0; i < 64; i++) {
        at += (0.5 + next()) * everyHours * HOUR;
        bursts.push({
          at,
          size: size * (0.5 + next()),
          tau: tauMinutes * 60_000,
        });
      }
      return bursts;
    };
    // Extra arrivals per second at a burst's start, decaying.
    this.bursts = {
      'content-bundler-queue-depth': schedule(2, 40, 12),
      'authoring-ai-worker-ai-request-queue': schedule(3, 30, 8),
    };
  }

  /** Lets the model spread totals over the pods that are Ready. */
  attach(store: ObjectStore) {
    this.store = store;
  }

  /**
   * Takes queue backlogs (items, by KEDA stream) from elsewhere: the real NATS consumers
   * that the sandbox traffic drives, so that KEDA sees what NATS holds. Where it answers
   * undefined (no traffic, NATS not answering) the model integrates its own backlog.
   */
  useBacklogSource(source?: (queue: string) => number | undefined) {
    this.backlogSource = source;
  }

  /**
   * Lets `sessions` answer the Pods metric of its app's pods (the collab pods'
   * `active_ws_connections`, which drains move between pods) instead of the even spread.
   */
  useSessions(sessions: PodSessions) {
    this.podSessions.set(sessions.app, sessions);
  }

  /** The region's total of a container's Pods metric at `now`, before it is spread over pods. */
  metricTotal(container: string, now: number): number | undefined {
    const peak = PEAK[container];
    if (peak?.total === undefined) return undefined;
    return peak.total * this.scale * this.activity(now);
  }

  /** 0.1 at night to 1 at the afternoon peak, in the region's local time. */
  activity(now: number): number {
    const hour = (((now / HOUR + this.offsetHours) % 24) + 24) % 24;
    const day = Math.sin((Math.PI * (hour - 7)) / 14);
    return 0.1 + 0.9 * Math.max(0, hour >= 7 && hour <= 21 ? day : 0);
  }

  private burst(key: string, now: number): number {
    return (this.bursts[key] ?? [])
      .filter(b => b.at <= now)
      .reduce((sum, b) => sum + b.size * Math.exp(-(now - b.at) / b.tau), 0);
  }

  /** Items per simulated second arriving on a queue: the day's curve plus bursts. */
  arrivalRate(queue: string, now: number): number {
    const spec = QUEUES[queue];
    if (!spec) return 0;
    return (
      spec.arrival * this.scale * this.activity(now) + this.burst(queue, now)
    );
  }

  /** Items per simulated second the queue's Ready workers (in any namespace) work off. */
  drainRate(queue: string): number {
    const spec = QUEUES[queue];
    if (!spec) return 0;
    return spec.perPod * this.readyCount(undefined, spec.container);
  }

  private readyPods(pod: KubeObject): number {
    return Math.max(
      1,
      this.readyCount(pod.metadata.namespace, pod.metadata.labels?.app),
    );
  }

  private readyCount(
    namespace: string | undefined,
    app: string | undefined,
  ): number {
    if (!this.store || !app) return 0;
    return this.store
      .scan(findType('', 'v1', 'pods')!, namespace)
      .filter(
        p =>
          p.metadata.labels?.app === app &&
          !p.metadata.deletionTimestamp &&
          (p.status?.conditions ?? []).some(
            (c: any) => c.type === 'Ready' && c.status === 'True',
          ),
      ).length;
  }

  containerUsage(pod: KubeObject, container: string, now: number) {
    const peak = PEAK[container] ?? { cores: 0.2 };
    const spec = (pod.spec?.containers ?? []).find(
      (c: any) => c.name === container,
    );
    const share =
      (peak.cores * this.scale * this.activity(now)) / this.readyPods(pod);
    const limit = quantity(spec?.resources?.limits?.cpu) ?? Infinity;
    const memoryRequest =
      quantity(spec?.resources?.requests?.memory) ?? 256 * 2 ** 20;
    return {
      cpu: Math.min(limit, 0.02 + share),
      memory: memoryRequest * (0.55 + 0.35 * this.activity(now)),
    };
  }

  podMetric(pod: KubeObject, metric: string, now: number): number | undefined {
    const app = pod.metadata.labels?.app ?? '';
    const peak = PEAK[app];
    if (!peak || peak.metric !== metric || peak.total === undefined)
      return undefined;
    const sessions = this.podSessions.get(app);
    if (sessions) return sessions.sessions(pod.metadata.name!, now);
    return this.metricTotal(app, now)! / this.readyPods(pod);
  }

  /** The Pods metrics the HPAs use, for custom.metrics.k8s.io. */
  podMetricNames(): string[] {
    return [
      ...new Set(
        Object.values(PEAK).flatMap(peak => (peak.metric ? [peak.metric] : [])),
      ),
    ];
  }

  externalMetric(
    namespace: string,
    metric: string,
    now: number,
  ): number | undefined {
    const match = /^s\d+-nats-jetstream-(.+)$/.exec(metric);
    const queue = match ? QUEUES[match[1]] : undefined;
    if (!match || !queue) return undefined;
    const key = match[1];
    const observed = this.backlogSource?.(key);
    if (observed !== undefined) {
      this.backlogs.set(key, { value: observed, at: now });
      return Math.round(observed);
    }
    const state = this.backlogs.get(key) ?? { value: 0, at: now };
    // Integrate in steps of at most a simulated minute.
    const seconds = Math.min(60, Math.max(0, (now - state.at) / 1000));
    const arrival = this.arrivalRate(key, now);
    const drained = queue.perPod * this.readyCount(namespace, queue.container);
    const value = Math.max(0, state.value + (arrival - drained) * seconds);
    this.backlogs.set(key, { value, at: now });
    return Math.round(value);
  }
}

function quantity(text: string | undefined): number | undefined {
  return text ? parseQuantity(text).value : undefined;
}
