import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  buildCanaryRegion,
  buildEntityRollout,
} from '../../__fixtures__/rollouts';
import { RolloutCard, RolloutPermissions } from './RolloutCard';

const allowed: RolloutPermissions = {
  promote: true,
  'promote-full': true,
  abort: true,
  retry: true,
};
const NOW = Date.parse('2026-11-20T10:00:00.000Z');

describe('RolloutCard', () => {
  it('shows a blue/green region as active and preview before its switch', async () => {
    const rollout = buildEntityRollout([
      buildCanaryRegion('us', {
        strategy: 'blueGreen',
        stepIndex: undefined,
        stepCount: undefined,
        steps: [],
        weight: undefined,
        pauseReason: 'BlueGreenPause',
        groups: [
          {
            role: 'active',
            hash: 'blue1',
            pods: 3,
            ready: 3,
            restarts: 0,
            terminating: 0,
            podNames: [],
          },
          {
            role: 'preview',
            hash: 'green2',
            pods: 3,
            ready: 3,
            restarts: 0,
            terminating: 0,
            podNames: [],
          },
        ],
      }),
    ]);
    const onAction = jest.fn();
    await renderInTestApp(
      <RolloutCard
        rollout={rollout}
        now={NOW}
        permissions={allowed}
        wave={['us']}
        onWaveChange={jest.fn()}
        onAction={onAction}
      />,
    );
    const us = screen.getByRole('region', { name: 'rollout in us' });
    expect(within(us).getByText('switch active → preview')).toBeInTheDocument();
    expect(
      within(us).getByText(/paused: BlueGreenPause since .* \(10 min ago\)/),
    ).toBeInTheDocument();
    expect(within(us).queryByText(/canary weight/)).not.toBeInTheDocument();
    expect(within(us).getByText('active')).toBeInTheDocument();
    expect(within(us).getByText('preview')).toBeInTheDocument();
    // One region: no wave.
    expect(
      screen.queryByRole('region', { name: 'release wave' }),
    ).not.toBeInTheDocument();
    await userEvent.click(
      within(us).getByRole('button', { name: 'Promote in us' }),
    );
    expect(onAction).toHaveBeenCalledWith('promote', ['us']);
  });

  it('shows an aborted region with its analysis run, a canary warning and only Retry', async () => {
    const rollout = {
      ...buildEntityRollout([
        buildCanaryRegion('ap', {
          state: 'aborted',
          aborted: true,
          paused: false,
          weight: 0,
          analysis: {
            declared: true,
            runs: [
              {
                kind: 'step',
                name: 'content-api-canary2-3',
                status: 'Failed',
                message: 'success-rate 0.91 < 0.99',
              },
            ],
          },
          signals: [
            'stable 3/3 Ready, 0 restarts',
            'canary 0/0 Ready, 0 restarts',
            'analysis content-api-canary2-3 failed: success-rate 0.91 < 0.99',
          ],
          actions: {
            promote: {
              allowed: false,
              reason: 'the rollout is aborted: retry it first',
            },
            'promote-full': {
              allowed: false,
              reason: 'the rollout is aborted: retry it first',
            },
            abort: { allowed: false, reason: 'the rollout is aborted already' },
            retry: { allowed: true },
          },
        }),
        buildCanaryRegion('us'),
      ]),
      missing: [{ cluster: 'me', reason: 'content-api is not deployed in me' }],
    };
    await renderInTestApp(
      <RolloutCard
        rollout={rollout}
        now={NOW}
        permissions={allowed}
        wave={['ap', 'us']}
        onWaveChange={jest.fn()}
        onAction={jest.fn()}
      />,
    );
    const ap = screen.getByRole('region', { name: 'rollout in ap' });
    expect(within(ap).getByText('aborted')).toBeInTheDocument();
    expect(
      within(ap).getByText(
        'Analysis: content-api-canary2-3 Failed (success-rate 0.91 < 0.99)',
      ),
    ).toBeInTheDocument();
    expect(
      within(ap).getByText(
        'analysis content-api-canary2-3 failed: success-rate 0.91 < 0.99',
      ),
    ).toBeInTheDocument();
    for (const name of ['Promote', 'Promote fully', 'Abort'])
      expect(
        within(ap).getByRole('button', { name: `${name} in ap` }),
      ).toBeDisabled();
    expect(
      within(ap).getByRole('button', { name: 'Retry in ap' }),
    ).toBeEnabled();
    // A wave needs every picked region to allow it.
    expect(screen.getByRole('button', { name: 'Promote wave' })).toBeDisabled();
    expect(
      screen.getByText('content-api is not deployed in me'),
    ).toBeInTheDocument();
  });

  it('offers every action to a wave that all picked regions allow, in the picked order', async () => {
    const onAction = jest.fn();
    const aborted = (cluster: string) =>
      buildCanaryRegion(cluster, {
        actions: {
          promote: { allowed: false, reason: 'aborted' },
          'promote-full': { allowed: false, reason: 'aborted' },
          abort: { allowed: false, reason: 'aborted already' },
          retry: { allowed: true },
        },
      });
    const { rerender } = await renderInTestApp(
      <RolloutCard
        rollout={buildEntityRollout([
          buildCanaryRegion('us'),
          buildCanaryRegion('eu'),
        ])}
        now={NOW}
        permissions={allowed}
        wave={['eu', 'us']}
        onWaveChange={jest.fn()}
        onAction={onAction}
      />,
    );
    const wave = screen.getByRole('region', { name: 'release wave' });
    expect(within(wave).getByText('eu → us')).toBeInTheDocument();
    expect(
      within(wave).getByRole('button', { name: 'Retry all picked' }),
    ).toBeDisabled();
    await userEvent.click(
      within(wave).getByRole('button', { name: 'Promote wave fully' }),
    );
    expect(onAction).toHaveBeenLastCalledWith('promote-full', ['eu', 'us']);

    const abortedWave = (permissions: RolloutPermissions) => (
      <RolloutCard
        rollout={buildEntityRollout([aborted('us'), aborted('eu')])}
        now={NOW}
        permissions={permissions}
        wave={['us', 'eu']}
        onWaveChange={jest.fn()}
        onAction={onAction}
      />
    );
    rerender(abortedWave(allowed));
    await userEvent.click(
      screen.getByRole('button', { name: 'Retry all picked' }),
    );
    expect(onAction).toHaveBeenLastCalledWith('retry', ['us', 'eu']);
    rerender(abortedWave({ ...allowed, retry: false }));
    // Without the retry permission, not even regions that allow it.
    expect(
      screen.getByRole('button', { name: 'Retry all picked' }),
    ).toBeDisabled();
    for (const name of [
      'Promote wave',
      'Promote wave fully',
      'Abort all picked',
    ])
      expect(screen.getByRole('button', { name })).toBeDisabled();
  });

  it('says when the container runs no rollout anywhere', async () => {
    await renderInTestApp(
      <RolloutCard
        rollout={{
          ...buildEntityRollout([]),
          missing: [
            {
              cluster: 'us',
              reason: 'content-api is a Deployment in us, not an Argo Rollout',
            },
          ],
        }}
        now={NOW}
        permissions={allowed}
        wave={[]}
        onWaveChange={jest.fn()}
        onAction={jest.fn()}
      />,
    );
    expect(
      screen.getByText(
        'content-api runs no Argo rollout in any region: content-api is a Deployment in us, not an Argo Rollout.',
      ),
    ).toBeInTheDocument();
  });
});
