/* eslint-disable no-console */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  CollabDrainResponder,
  NatsTraffic,
  sandboxTenants,
  SigningKeyResponder,
  SigningKeyVault,
} from '@internal/sandbox-nats';
import { Fleet } from './Fleet';
import { releasesFromEnv } from './releasesFromEnv';
import { QUEUES } from './LoadModel';
import { sandboxBacklogConfig } from './backlogConfig';
import { loadServices } from './services';

/**
 * Starts the simulated fleet for `make start` and writes the app-config that points the
 * backend at it (`.sandbox/app-config.sandbox.yaml`), then runs until stopped.
 *
 * Environment: SANDBOX_DIR (default .sandbox), SANDBOX_ACCELERATION (simulated seconds
 * per second, default 30), SANDBOX_SEED (default 42), SANDBOX_NATS_URL (the local
 * nats-server that scripts/start.sh runs; when set, it is written into the app-config,
 * the fleet's services publish their traffic into it and the collab pods answer drain
 * notices on it, see docs/sandbox.md), SANDBOX_TENANTS (content-service's tenants whose
 * signing keys the sandbox key service holds, default 320, see docs/key-rotation.md),
 * SANDBOX_RELEASES (releases started at boot, e.g. `content-api@2026.12.1` for a canary
 * to promote; see releasesFromEnv and docs/rollouts.md; none by default).
 */
async function main() {
  const dir = path.resolve(process.env.SANDBOX_DIR ?? '.sandbox');
  const acceleration = Number(process.env.SANDBOX_ACCELERATION ?? 30);
  const seed = Number(process.env.SANDBOX_SEED ?? 42);
  if (!Number.isFinite(acceleration) || acceleration <= 0) {
    throw new Error(
      `SANDBOX_ACCELERATION must be a positive number, got ${process.env.SANDBOX_ACCELERATION}`,
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.rmSync(path.join(dir, 'ready'), { force: true });
  const releases = releasesFromEnv(process.env.SANDBOX_RELEASES);
  const fleet = await Fleet.start({ acceleration, seed });
  for (const release of releases) fleet.release(release);
  fleet.run();
  const natsUrl = process.env.SANDBOX_NATS_URL;
  const logger = {
    info: (message: string) => console.log(message),
    warn: (message: string) => console.warn(message),
  };
  // The streams exist before the portal starts (the ready file), so its consumers find them.
  const traffic = natsUrl
    ? await NatsTraffic.start({
        servers: natsUrl,
        clock: fleet.clock,
        acceleration,
        seed,
        regions: fleet.clusters.map(c => c.load),
        queues: Object.entries(QUEUES).map(([name, queue]) => ({
          name,
          container: queue.container,
          peakArrival: queue.arrival,
        })),
        logger,
      })
    : undefined;
  // The collab pods answer drain notices (per region, on the same nats-server).
  const drains = natsUrl
    ? await CollabDrainResponder.start({
        servers: natsUrl,
        regions: fleet.clusters.map(c => c.collab),
        logger,
      })
    : undefined;
  if (drains) console.log(`${drains.describe()} (${natsUrl})`);
  // content-service's key service: a few hundred tenants' signing keys, JWKS per region.
  const keys = natsUrl
    ? await SigningKeyResponder.start({
        servers: natsUrl,
        vault: seededVault(seed),
        logger,
      })
    : undefined;
  if (keys) console.log(`${keys.describe()} (${natsUrl})`);
  if (traffic) {
    traffic.run();
    for (const { region, load } of fleet.clusters) {
      load.useBacklogSource(queue => traffic.backlogItems(region, queue));
    }
    console.log(`${traffic.describe()} (${natsUrl})`);
  }
  const config = {
    kubernetes: fleet.kubernetesConfig(),
    ...(natsUrl
      ? {
          serviceOps: {
            nats: { servers: natsUrl },
            ...(traffic
              ? {
                  backlog: {
                    services: sandboxBacklogConfig(
                      loadServices(),
                      traffic.topology().workQueues.map(lane => ({
                        ...lane,
                        container: QUEUES[lane.queue].container,
                      })),
                    ),
                  },
                }
              : {}),
          },
        }
      : {}),
  };
  fs.writeFileSync(
    path.join(dir, 'app-config.sandbox.yaml'),
    `# Written by the sandbox fleet (packages/sandbox-fleet) at start; do not edit.\n${stringify(
      config,
    )}`,
    { mode: 0o600 },
  );
  fs.writeFileSync(
    path.join(dir, 'fleet.json'),
    JSON.stringify(
      {
        token: fleet.token,
        readOnlyToken: fleet.readOnlyToken,
        ca: fleet.tls?.ca,
        clusters: fleet.clusters.map(c => ({ region: c.region, url: c.url })),
        acceleration,
        seed,
      },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  fs.writeFileSync(path.join(dir, 'ready'), new Date().toISOString());
  console.log(
    `sandbox fleet: ${fleet.clusters
      .map(c => `${c.region} ${c.url}`)
      .join(', ')} (x${acceleration}, seed ${seed})`,
  );
  const stop = async () => {
    await traffic?.stop();
    await drains?.stop();
    await keys?.stop();
    await fleet.stop();
    fs.rmSync(path.join(dir, 'ready'), { force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The key service's vault with SANDBOX_TENANTS (default 320) seeded tenants. */
function seededVault(seed: number): SigningKeyVault {
  const count = Number(process.env.SANDBOX_TENANTS ?? 320);
  if (!Number.isInteger(count) || count < 1 || count > 360)
    throw new Error(
      `SANDBOX_TENANTS must be a whole number from 1 to 360, got ${process.env.SANDBOX_TENANTS}`,
    );
  const vault = new SigningKeyVault();
  vault.seed(sandboxTenants(count, seed));
  return vault;
}

main().catch(error => {
  console.error(`sandbox fleet failed to start: ${error.stack ?? error}`);
  process.exit(1);
});
