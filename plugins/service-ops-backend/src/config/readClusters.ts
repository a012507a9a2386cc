import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

/** How to reach one cluster: read from the same `kubernetes` config the Kubernetes plugin reads. */
export interface ClusterConnection {
  name: string;
  url: string;
  /** Service-account bearer token. Never leaves the backend. */
  token?: string;
  /** PEM of the CA that signs the API server's certificate. */
  caData?: string;
  skipTLSVerify: boolean;
}

/**
 * The clusters of `kubernetes.clusterLocatorMethods` entries of type `config` with the
 * `serviceAccount` auth provider (the only one supported so far). Other locator types are
 * ignored; a cluster entry that cannot be used is an error naming it.
 */
export function readClusters(config: Config): ClusterConnection[] {
  const methods =
    config.getOptionalConfigArray('kubernetes.clusterLocatorMethods') ?? [];
  const clusters: ClusterConnection[] = [];
  for (const method of methods) {
    if (method.getString('type') !== 'config') continue;
    for (const cluster of method.getOptionalConfigArray('clusters') ?? []) {
      const name = cluster.getString('name');
      const authProvider =
        cluster.getOptionalString('authProvider') ?? 'serviceAccount';
      if (authProvider !== 'serviceAccount') {
        throw new InputError(
          `kubernetes cluster '${name}': authProvider '${authProvider}' is not supported by service-ops (use serviceAccount)`,
        );
      }
      const url = cluster.getString('url');
      if (!URL.canParse(url)) {
        throw new InputError(
          `kubernetes cluster '${name}': url '${url}' is not a URL`,
        );
      }
      const caData = cluster.getOptionalString('caData');
      clusters.push({
        name,
        url,
        token: cluster.getOptionalString('serviceAccountToken'),
        caData: caData
          ? Buffer.from(caData, 'base64').toString('utf8')
          : undefined,
        skipTLSVerify: cluster.getOptionalBoolean('skipTLSVerify') ?? false,
      });
    }
  }
  if (new Set(clusters.map(c => c.name)).size !== clusters.length) {
    throw new InputError('kubernetes clusters must have unique names');
  }
  return clusters;
}
