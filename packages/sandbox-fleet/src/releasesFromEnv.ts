import { REGIONS, RegionName } from './regions';

/** A release the sandbox starts at boot: a container's new version, bad in some regions. */
export interface SandboxRelease {
  container: string;
  version: string;
  crashLoop: RegionName[];
}

/**
 * `SANDBOX_RELEASES`: comma-separated `<container>@<version>`, each optionally followed by
 * `!<region>+<region>` for regions where the new pods crash-loop, e.g.
 * `content-api@2026.12.1,authoring-api@2026.12.1!ap`. Empty or unset: none.
 *
 * @throws Error naming the part that is not a release
 */
export function releasesFromEnv(text: string | undefined): SandboxRelease[] {
  if (!text?.trim()) return [];
  const regions = REGIONS.map(r => r.name) as string[];
  return text.split(',').map(part => {
    const match = /^([a-z0-9-]+)@([A-Za-z0-9._-]+)(?:!([a-z+]+))?$/.exec(
      part.trim(),
    );
    if (!match)
      throw new Error(
        `SANDBOX_RELEASES: '${part}' is not <container>@<version>[!<region>+<region>]`,
      );
    const crashLoop = (match[3] ?? '').split('+').filter(Boolean);
    const unknown = crashLoop.filter(r => !regions.includes(r));
    if (unknown.length)
      throw new Error(
        `SANDBOX_RELEASES: no region ${unknown.join(
          ', ',
        )}; one of ${regions.join(', ')}`,
      );
    return {
      container: match[1],
      version: match[2],
      crashLoop: crashLoop as RegionName[],
    };
  });
}
