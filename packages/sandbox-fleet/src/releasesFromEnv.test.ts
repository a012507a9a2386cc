import { releasesFromEnv } from './releasesFromEnv';

describe('releasesFromEnv', () => {
  it('reads releases and the regions where they crash-loop', () => {
    expect(releasesFromEnv(undefined)).toEqual([]);
    expect(releasesFromEnv(' ')).toEqual([]);
    expect(
      releasesFromEnv('content-api@2026.12.1,authoring-api@2026.12.1!me+ap'),
    ).toEqual([
      { container: 'content-api', version: '2026.12.1', crashLoop: [] },
      {
        container: 'authoring-api',
        version: '2026.12.1',
        crashLoop: ['me', 'ap'],
      },
    ]);
  });

  it('names what it cannot read', () => {
    expect(() => releasesFromEnv('content-api')).toThrow(
      "SANDBOX_RELEASES: 'content-api' is not <container>@<version>[!<region>+<region>]",
    );
    expect(() => releasesFromEnv('content-api@1!mars')).toThrow(
      'SANDBOX_RELEASES: no region mars; one of us, eu, me, ap',
    );
  });
});
