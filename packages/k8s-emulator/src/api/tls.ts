import { generate } from 'selfsigned';

export interface GeneratedTls {
  /** PEM of the CA that signed the server certificate: what clients trust (`caData`). */
  ca: string;
  key: string;
  cert: string;
}

/**
 * A throw-away certificate authority and a server certificate it signs for localhost and
 * 127.0.0.1, so that clients verify TLS against the emulator exactly as against a cluster.
 */
export async function generateTls(): Promise<GeneratedTls> {
  const ca = await generate(
    [{ name: 'commonName', value: 'service-ops emulator CA' }],
    {
      keyType: 'ec',
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true, critical: true },
        { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      ],
    },
  );
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { ca: ca.cert, key: server.private, cert: server.cert };
}
