import { ChildProcess, fork } from 'node:child_process';
import path from 'node:path';

/** What the emulator process reports once its clusters serve. */
export interface EmulatorFleetInfo {
  clusters: Array<{ name: string; url: string; pods: number }>;
  token: string;
  /** PEM of the CA of the API servers' certificates; absent over plain HTTP. */
  ca?: string;
  setupMs: number;
}

/** Requests an API server received since its counters were last reset. */
export interface ClusterCounters {
  cluster: string;
  total: number;
  /** By `verb path`, as `ApiServer.requests` keys them. */
  requests: Record<string, number>;
}

/** Messages to the emulator process. */
export type EmulatorCommand =
  | { id: number; op: 'counters' }
  | { id: number; op: 'resetCounters' }
  /**
   * Flips the Ready condition of one pod of the workload in one cluster; answers a
   * {@link FlipResult}.
   */
  | { id: number; op: 'flipPod'; cluster: number }
  /** Deletes every pod of the workload in every cluster; answers how many. */
  | { id: number; op: 'deletePods' }
  /** One flip every `everyMs` (round robin over the clusters); 0 stops. */
  | { id: number; op: 'churn'; everyMs: number };

/** `Omit` applied to each member of a union, so that each keeps its own fields. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown
  ? Omit<T, K>
  : never;

/** A command as `EmulatorFleet` sends it, before it gets its id. */
export type EmulatorRequest = DistributiveOmit<EmulatorCommand, 'id'>;

/** When a flip was written to the emulator's store, and which pod it was. */
export interface FlipResult {
  /** `performance.timeOrigin + performance.now()` of the emulator process, in ms. */
  at: number;
  cluster: string;
  pod: string;
  ready: boolean;
}

/** Messages from the emulator process. */
export type EmulatorMessage =
  | { ready: EmulatorFleetInfo }
  | { failed: string }
  | { id: number; result?: unknown; error?: string };

export interface EmulatorFleetOptions {
  clusters: number;
  pods: number;
  tls: boolean;
  seed: number;
}

/**
 * The emulated clusters, run in a child process of their own: the API servers use the
 * second core as remote ones would, and the backend's heap holds only the backend.
 */
export class EmulatorFleet {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: any) => void; reject: (error: Error) => void }
  >();

  private constructor(
    private readonly child: ChildProcess,
    readonly info: EmulatorFleetInfo,
  ) {
    child.on('message', (message: EmulatorMessage) => {
      if (!('id' in message)) return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
  }

  /** Starts the emulator process and resolves once every cluster serves. */
  static async start(options: EmulatorFleetOptions): Promise<EmulatorFleet> {
    // The same `node` flags as this process (the TypeScript transform, --expose-gc).
    // eslint-disable-next-line no-restricted-syntax -- run from source only, never built
    const child = fork(path.join(__dirname, 'emulatorProcess.ts'), [], {
      env: {
        ...process.env,
        EMULATOR_OPTIONS: JSON.stringify(options),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const info = await new Promise<EmulatorFleetInfo>((resolve, reject) => {
      child.once('exit', code =>
        reject(new Error(`the emulator process exited with code ${code}`)),
      );
      child.on('message', (message: EmulatorMessage) => {
        if ('ready' in message) resolve(message.ready);
        if ('failed' in message) reject(new Error(message.failed));
      });
    });
    child.removeAllListeners('exit');
    return new EmulatorFleet(child, info);
  }

  private send<T>(command: EmulatorRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...command, id });
    });
  }

  counters(): Promise<ClusterCounters[]> {
    return this.send({ op: 'counters' });
  }

  resetCounters(): Promise<void> {
    return this.send({ op: 'resetCounters' });
  }

  flipPod(cluster: number): Promise<FlipResult> {
    return this.send({ op: 'flipPod', cluster });
  }

  deletePods(): Promise<number> {
    return this.send({ op: 'deletePods' });
  }

  churn(everyMs: number): Promise<void> {
    return this.send({ op: 'churn', everyMs });
  }

  /** The `kubernetes` app-config section both plugins read. */
  kubernetesConfig() {
    return {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: this.info.clusters.map(c => ({
            name: c.name,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: this.info.token,
            ...(this.info.ca
              ? { caData: Buffer.from(this.info.ca).toString('base64') }
              : { skipTLSVerify: true }),
          })),
        },
      ],
    };
  }

  async stop() {
    const exited = new Promise(resolve => this.child.once('exit', resolve));
    this.child.kill();
    await exited;
  }
}
