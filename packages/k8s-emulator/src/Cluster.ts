import { RolloutController } from './controllers/RolloutController';
import { DisruptionController } from './controllers/DisruptionController';
import { ApiServer, TokenRole } from './api/ApiServer';
import { ObjectStore } from './store/ObjectStore';
import { Clock } from './controllers/Clock';
import {
  ControllerContext,
  MetricsProvider,
  Random,
  TYPES,
} from './controllers/context';
import {
  HpaController,
  ScaledObjectController,
} from './controllers/HpaController';
import {
  WorkloadController,
  WorkloadTimings,
} from './controllers/WorkloadController';

export interface ClusterOptions {
  name: string;
  clock: Clock;
  metrics: MetricsProvider;
  tokens: Record<string, TokenRole>;
  tls?: { key: string; cert: string };
  /** Seed of the pseudo-random choices (pod names, nodes): same seed, same cluster. */
  seed?: number;
  timings?: Partial<WorkloadTimings>;
  /** Number of nodes to register. */
  nodes?: number;
}

/**
 * One emulated cluster: its object store, the API server in front of it (serving the
 * metrics' Pods metrics on custom.metrics.k8s.io too) and the controllers that make it
 * behave (workloads, HPA, KEDA, disruption budgets). `step()` runs the controllers once;
 * `run()` runs them on a real-time interval.
 */
export class Cluster {
  readonly store = new ObjectStore();
  readonly api: ApiServer;
  readonly context: ControllerContext;
  readonly workloads: WorkloadController;
  private readonly hpas: HpaController;
  private readonly scaledObjects: ScaledObjectController;
  private readonly rollouts: RolloutController;
  private readonly disruptions: DisruptionController;
  private timer?: NodeJS.Timeout;
  /** Real ms the last controller pass took. */
  lastStepMs = 0;

  constructor(readonly options: ClusterOptions) {
    this.api = new ApiServer({
      name: options.name,
      store: this.store,
      tokens: options.tokens,
      tls: options.tls,
      customMetrics: { provider: options.metrics, clock: options.clock },
    });
    this.context = new ControllerContext(
      this.store,
      options.clock,
      new Random(options.seed ?? 1),
      options.metrics,
    );
    this.workloads = new WorkloadController(this.context, options.timings);
    this.hpas = new HpaController(this.context);
    this.scaledObjects = new ScaledObjectController(this.context);
    this.rollouts = new RolloutController(this.context, this.workloads);
    this.disruptions = new DisruptionController(this.context);
    for (let i = 0; i < (options.nodes ?? 3); i++) {
      this.store.create(TYPES.nodes, {
        metadata: {
          name: `${options.name}-node-${i + 1}`,
          labels: {
            'topology.kubernetes.io/region': options.name,
            'kubernetes.io/os': 'linux',
          },
        },
        spec: {},
        status: {
          capacity: { cpu: '32', memory: '128Gi', pods: '250' },
          allocatable: { cpu: '31500m', memory: '124Gi', pods: '250' },
          conditions: [
            { type: 'Ready', status: 'True', reason: 'KubeletReady' },
          ],
        },
      });
    }
  }

  get name() {
    return this.options.name;
  }

  /** One pass of every controller. */
  step() {
    const started = performance.now();
    this.scaledObjects.reconcile();
    this.hpas.reconcile();
    this.rollouts.reconcile();
    this.workloads.reconcile();
    this.disruptions.reconcile();
    this.lastStepMs = performance.now() - started;
  }

  /** Runs the controllers every `intervalMs` of real time until `stop()`. */
  run(intervalMs = 250) {
    this.timer = setInterval(() => this.step(), intervalMs);
    this.timer.unref?.();
  }

  async stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.api.close();
  }
}
