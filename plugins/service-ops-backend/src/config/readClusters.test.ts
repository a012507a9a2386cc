import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readClusters } from './readClusters';

const config = (clusters: JsonObject[], extra: JsonObject[] = []) =>
  new ConfigReader({
    kubernetes: {
      clusterLocatorMethods: [{ type: 'config', clusters }, ...extra],
    },
  });

describe('readClusters', () => {
  it('reads config-located clusters with token and CA', () => {
    const ca = '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n';
    expect(
      readClusters(
        config(
          [
            {
              name: 'us',
              url: 'https://127.0.0.1:6443',
              authProvider: 'serviceAccount',
              serviceAccountToken: 't',
              caData: Buffer.from(ca).toString('base64'),
            },
            { name: 'eu', url: 'http://127.0.0.1:8080', skipTLSVerify: true },
          ],
          [{ type: 'catalog' }],
        ),
      ),
    ).toEqual([
      {
        name: 'us',
        url: 'https://127.0.0.1:6443',
        token: 't',
        caData: ca,
        skipTLSVerify: false,
      },
      {
        name: 'eu',
        url: 'http://127.0.0.1:8080',
        token: undefined,
        caData: undefined,
        skipTLSVerify: true,
      },
    ]);
  });

  it('is empty without kubernetes config', () => {
    expect(readClusters(new ConfigReader({}))).toEqual([]);
  });

  it('names the cluster it cannot use', () => {
    expect(() =>
      readClusters(config([{ name: 'us', url: 'not a url' }])),
    ).toThrow("kubernetes cluster 'us': url 'not a url' is not a URL");
    expect(() =>
      readClusters(
        config([{ name: 'us', url: 'https://x', authProvider: 'google' }]),
      ),
    ).toThrow("authProvider 'google' is not supported");
    expect(() =>
      readClusters(
        config([
          { name: 'us', url: 'https://x' },
          { name: 'us', url: 'https://y' },
        ]),
      ),
    ).toThrow('unique names');
  });
});
