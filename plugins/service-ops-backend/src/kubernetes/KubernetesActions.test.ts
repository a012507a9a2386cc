import http from 'node:http';
import { AddressInfo } from 'node:net';
import { KubernetesActions } from './KubernetesActions';
import { argoPatches } from './argoPatches';
import type { ArgoRollout } from './wireTypes';

const PATH =
  '/apis/argoproj.io/v1alpha1/namespaces/content/rollouts/content-api';

/**
 * An API server with Argo Rollouts before v0.10: no status subresource, the status in
 * the main resource (its `/status` answers 404), and a resourceVersion precondition.
 */
async function argoV09(rollout: ArgoRollout) {
  const received: Array<{
    method: string;
    url: string;
    type?: string;
    body?: any;
  }> = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', chunk => (text += chunk));
    req.on('end', () => {
      const body = text ? JSON.parse(text) : undefined;
      received.push({
        method: req.method!,
        url: req.url!,
        type: req.headers['content-type'],
        body,
      });
      const send = (code: number, value: unknown) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (req.url === PATH && req.method === 'GET') return send(200, rollout);
      if (req.url === `${PATH}/status`)
        return send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'the server could not find the requested resource',
        });
      if (req.url === PATH && req.method === 'PATCH') {
        if (
          body.metadata?.resourceVersion !== rollout.metadata?.resourceVersion
        )
          return send(409, {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Conflict',
            code: 409,
            message: 'the object has been modified',
          });
        return send(200, {
          ...rollout,
          status: { ...rollout.status, ...body.status },
        });
      }
      return send(404, { kind: 'Status', code: 404, message: 'not found' });
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    received,
    kubernetes: new KubernetesActions([
      { name: 'us', url: `http://127.0.0.1:${port}`, skipTLSVerify: true },
    ]),
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

const rollout: ArgoRollout = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Rollout',
  metadata: {
    name: 'content-api',
    namespace: 'content',
    resourceVersion: '42',
  },
  spec: { strategy: { canary: { steps: [{ setWeight: 10 }, { pause: {} }] } } },
  status: {
    currentStepIndex: 1,
    pauseConditions: [{ reason: 'CanaryPauseStep' }],
    stableRS: 'a',
    currentPodHash: 'b',
  },
};
const target = { cluster: 'us', namespace: 'content', name: 'content-api' };

describe('KubernetesActions.patchRollout', () => {
  it('falls back to the main resource with the unified patch when there is no status subresource', async () => {
    const api = await argoV09(rollout);
    try {
      const result = await api.kubernetes.patchRollout({
        ...target,
        resourceVersion: '42',
        patches: argoPatches(rollout, 'promote'),
      });
      expect(result).toMatchObject({ result: 'patched', sent: ['spec'] });
      const patches = api.received.filter(r => r.method === 'PATCH');
      expect(patches).toEqual([
        {
          method: 'PATCH',
          url: `${PATH}/status`,
          type: 'application/merge-patch+json',
          body: {
            status: { pauseConditions: null },
            metadata: { resourceVersion: '42' },
          },
        },
        {
          method: 'PATCH',
          url: PATH,
          type: 'application/merge-patch+json',
          body: {
            spec: { paused: false },
            status: { pauseConditions: null },
            metadata: { resourceVersion: '42' },
          },
        },
      ]);
    } finally {
      await api.close();
    }
  });

  it('answers a conflict when the rollout changed since it was read', async () => {
    const api = await argoV09(rollout);
    try {
      await expect(
        api.kubernetes.patchRollout({
          ...target,
          resourceVersion: '41',
          patches: argoPatches(rollout, 'abort'),
        }),
      ).resolves.toEqual({
        result: 'conflict',
        message: 'the object has been modified',
      });
    } finally {
      await api.close();
    }
  });

  it('reads a rollout, and nothing where there is none', async () => {
    const api = await argoV09(rollout);
    try {
      await expect(api.kubernetes.getRollout(target)).resolves.toMatchObject({
        metadata: { resourceVersion: '42' },
      });
      await expect(
        api.kubernetes.getRollout({ ...target, name: 'nope' }),
      ).resolves.toBeUndefined();
    } finally {
      await api.close();
    }
  });
});
