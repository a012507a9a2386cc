import { cpuBreakdown, CpuProfile } from './cpuProfile';

const frame = (functionName: string, url = '') => ({ functionName, url });

// (root) -> handler -> snapshot -> parse
//                   -> stringify
//        -> (idle), (garbage collector)
const PROFILE: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    {
      id: 2,
      callFrame: frame('handler', 'file:///a/router.ts'),
      children: [3, 5],
    },
    {
      id: 3,
      callFrame: frame('snapshot', 'file:///a/State.ts'),
      children: [4],
    },
    { id: 4, callFrame: frame('parse', 'file:///a/parse.ts') },
    { id: 5, callFrame: frame('stringify', 'file:///x/response.js') },
    { id: 6, callFrame: frame('(idle)') },
    { id: 7, callFrame: frame('(garbage collector)') },
  ],
  samples: [4, 4, 3, 5, 6, 6, 6, 7],
  timeDeltas: [1000, 1000, 1000, 2000, 3000, 3000, 3000, 500],
};

describe('cpuBreakdown', () => {
  it('counts each sample once per category matched anywhere on its stack', () => {
    expect(
      cpuBreakdown(PROFILE, {
        handler: f => f.url.endsWith('router.ts'),
        snapshot: f => f.functionName === 'snapshot',
        parse: f => f.functionName === 'parse',
        // Two frames of one stack match: the sample still counts once.
        ours: f => f.url.startsWith('file:///a/'),
        stringify: f => f.functionName === 'stringify',
      }),
    ).toEqual({
      totalMs: 14.5,
      idleMs: 9,
      gcMs: 0.5,
      categories: {
        handler: 5,
        snapshot: 3,
        parse: 2,
        ours: 5,
        stringify: 2,
      },
    });
  });

  it('is all zero for an empty profile', () => {
    expect(cpuBreakdown({ nodes: [] }, { any: () => true })).toEqual({
      totalMs: 0,
      idleMs: 0,
      gcMs: 0,
      categories: { any: 0 },
    });
  });
});
