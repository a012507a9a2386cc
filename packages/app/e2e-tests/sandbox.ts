import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';

interface FleetFile {
  token: string;
  ca?: string;
  clusters: Array<{ region: string; url: string }>;
}

/** What the running sandbox fleet wrote at start (scripts/start.sh; SANDBOX_DIR or .sandbox). */
export function readFleet(): FleetFile {
  const dir =
    process.env.SANDBOX_DIR ?? path.resolve(__dirname, '../../../.sandbox');
  return JSON.parse(fs.readFileSync(path.join(dir, 'fleet.json'), 'utf8'));
}

/**
 * Sends a merge patch to one region's emulated API server, as `kubectl patch --type merge`
 * would: the change an operator (or a controller) makes in the cluster.
 */
export function mergePatch(
  region: string,
  apiPath: string,
  patch: object,
): Promise<number> {
  const fleet = readFleet();
  const cluster = fleet.clusters.find(c => c.region === region);
  if (!cluster) throw new Error(`no region ${region} in the sandbox fleet`);
  const url = new URL(apiPath, cluster.url);
  const body = JSON.stringify(patch);
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: 'PATCH',
        ca: fleet.ca,
        headers: {
          Authorization: `Bearer ${fleet.token}`,
          'Content-Type': 'application/merge-patch+json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      response => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
