import { randomBytes } from 'node:crypto';
import {
  AcceleratedClock,
  Clock,
  Cluster,
  CRASH_LOOP_ANNOTATION,
  findType,
  typeOfKind,
  generateTls,
  GeneratedTls,
} from '@internal/k8s-emulator';
import { CollabSessions } from './CollabSessions';
import { LoadModel } from './LoadModel';
import { buildManifests } from './manifests';
import { RegionName, REGIONS } from './regions';
import { loadServices, ServiceModel } from './services';

export interface FleetOptions {
  /**
   * Simulated seconds per real second: the pace of the accelerated clock (default 30),
   * and, with a `clock` of the test's, how the collab pods place a notice's wall-clock
   * deadline on it (default 1).
   */
  acceleration?: number;
  seed?: number;
  /** Simulated start time (epoch ms); now by default. */
  start?: number;
  /** A clock to use instead of an accelerated one (tests). */
  clock?: Clock;
  /** Serve plain HTTP instead of HTTPS (tests of protocol details). */
  insecure?: boolean;
  services?: ServiceModel[];
}

export interface FleetCluster {
  region: RegionName;
  url: string;
  cluster: Cluster;
  load: LoadModel;
  /** The collab pods' sessions and their side of the drain contract. */
  collab: CollabSessions;
}

/**
 * The simulated fleet: one emulated cluster per region (us, eu, me, ap), each running
 * the two services' workloads as their topology documents declare them, driven by a
 * seeded load model.
 */
export class Fleet {
  readonly clusters: FleetCluster[] = [];
  /** Bearer token with read and write access to every cluster. */
  readonly token = randomBytes(24).toString('hex');
  /** Bearer token that may only read. */
  readonly readOnlyToken = randomBytes(24).toString('hex');
  tls?: GeneratedTls;
  readonly clock: Clock;
  /** Simulated seconds per real second (1 with a clock of the caller's, unless told). */
  readonly acceleration: number;

  private constructor(private readonly options: FleetOptions) {
    const start = options.start ?? Date.now();
    this.acceleration = options.acceleration ?? (options.clock ? 1 : 30);
    this.clock =
      options.clock ?? new AcceleratedClock(this.acceleration, start);
  }

  static async start(options: FleetOptions = {}): Promise<Fleet> {
    const fleet = new Fleet(options);
    await fleet.boot();
    return fleet;
  }

  private async boot() {
    const seed = this.options.seed ?? 42;
    const services = this.options.services ?? loadServices();
    this.tls = this.options.insecure ? undefined : await generateTls();
    for (const [index, region] of REGIONS.entries()) {
      const load = new LoadModel(region.name, seed, this.clock.now());
      const cluster = new Cluster({
        name: region.name,
        clock: this.clock,
        metrics: load,
        seed: seed + index,
        tokens: {
          [this.token]: 'read-write',
          [this.readOnlyToken]: 'read-only',
        },
        tls: this.tls && { key: this.tls.key, cert: this.tls.cert },
      });
      load.attach(cluster.store);
      const collab = new CollabSessions({
        region: region.name,
        store: cluster.store,
        clock: this.clock,
        acceleration: this.acceleration,
        total: now => load.metricTotal('authoring-collab', now) ?? 0,
      });
      load.useSessions(collab);
      for (const service of services) {
        for (const manifest of buildManifests(service, region.name)) {
          const type = findType(
            manifest.group,
            manifest.version,
            manifest.resource,
          )!;
          cluster.store.create(type, manifest.object);
        }
      }
      const url = await cluster.api.listen(0);
      this.clusters.push({ region: region.name, url, cluster, load, collab });
    }
  }

  /** Runs every cluster's controllers once (tests drive time with a manual clock). */
  step() {
    for (const { cluster } of this.clusters) cluster.step();
  }

  /** Runs the controllers on a real-time interval. */
  run(intervalMs = 500) {
    for (const { cluster } of this.clusters) cluster.run(intervalMs);
  }

  async stop() {
    await Promise.all(this.clusters.map(c => c.cluster.stop()));
  }

  /**
   * Releases a new version of a container: its pod template's image gets the tag
   * `version` in each region (all by default), as a CD pipeline would write it; an Argo
   * rollout then starts its canary or blue/green. In the `crashLoop` regions the new pods
   * crash-loop (a bad build in one region). Returns the regions changed.
   */
  release(options: {
    container: string;
    version: string;
    regions?: RegionName[];
    crashLoop?: RegionName[];
  }): RegionName[] {
    const changed: RegionName[] = [];
    for (const { region, cluster } of this.clusters) {
      if (options.regions && !options.regions.includes(region)) continue;
      for (const kind of ['Rollout', 'Deployment']) {
        const type = typeOfKind(
          kind === 'Rollout' ? 'argoproj.io/v1alpha1' : 'apps/v1',
          kind,
        )!;
        const workload = cluster.store
          .list(type)
          .find(o => o.metadata.name === options.container);
        if (!workload) continue;
        const next = structuredClone(workload);
        const template = next.spec.template;
        template.spec.containers = template.spec.containers.map((c: any) =>
          c.name === options.container
            ? {
                ...c,
                image: `${c.image.replace(/:[^:/]*$/, '')}:${options.version}`,
              }
            : c,
        );
        const annotations = { ...template.metadata?.annotations };
        if (options.crashLoop?.includes(region))
          annotations[CRASH_LOOP_ANNOTATION] = 'true';
        else delete annotations[CRASH_LOOP_ANNOTATION];
        template.metadata = { ...template.metadata, annotations };
        cluster.store.update(type, next);
        changed.push(region);
      }
    }
    return changed;
  }

  /** The `kubernetes` section of app-config that points Backstage at this fleet. */
  kubernetesConfig() {
    return {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: this.clusters.map(c => ({
            name: c.region,
            url: c.url,
            authProvider: 'serviceAccount',
            serviceAccountToken: this.token,
            ...(this.tls
              ? { caData: Buffer.from(this.tls.ca).toString('base64') }
              : { skipTLSVerify: true }),
          })),
        },
      ],
    };
  }
}
