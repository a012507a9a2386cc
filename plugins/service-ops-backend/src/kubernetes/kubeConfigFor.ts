import { KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from '../config/readClusters';

/** A client-node KubeConfig for one configured cluster (service-account token, CA). */
export function kubeConfigFor(connection: ClusterConnection): KubeConfig {
  const { name, url, token, caData, skipTLSVerify } = connection;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name,
        server: url,
        skipTLSVerify,
        ...(caData ? { caData: Buffer.from(caData).toString('base64') } : {}),
      },
    ],
    users: [{ name: 'service-ops', ...(token ? { token } : {}) }],
    contexts: [{ name, cluster: name, user: 'service-ops' }],
    currentContext: name,
  });
  return kc;
}
