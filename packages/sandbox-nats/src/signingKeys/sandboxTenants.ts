import { Random } from '@internal/k8s-emulator';
import { TENANTS } from '../SagaPlanner';
import type { SeedTenant } from './SigningKeyVault';

const FIRST = [
  'acme',
  'globex',
  'initech',
  'umbrella',
  'stark',
  'wayne',
  'wonka',
  'tyrell',
  'cyberdyne',
  'soylent',
  'hooli',
  'vandelay',
  'aperture',
  'blue-sun',
  'oceanic',
  'dunder',
  'pied-piper',
  'monarch',
  'nakatomi',
  'gringotts',
  'zenith',
  'aurora',
  'summit',
  'harbor',
  'meadow',
  'cedar',
  'maple',
  'granite',
  'silver',
  'lotus',
  'delta',
  'orbit',
  'pioneer',
  'beacon',
  'atlas',
  'nova',
];
const SECOND = [
  'learning',
  'academy',
  'training',
  'university',
  'institute',
  'school',
  'college',
  'campus',
  'labs',
  'skills',
];
const REGIONS = ['us', 'eu', 'me', 'ap'] as const;

/**
 * The sandbox's tenants with their key history, from a seed: the eight tenants of the
 * publish sagas first, then generated ones up to `count`. The history varies the
 * things the inventory shows: keys from days to over a year old (some past the annual
 * rotation), drills this quarter, last quarter, long ago or never, a previous key still
 * in its grace window as verify-only, Ed25519 or P-256.
 */
export function sandboxTenants(count = 320, seed = 42): SeedTenant[] {
  const random = new Random(seed);
  const pick = <T>(items: readonly T[]) =>
    items[Math.floor(random.next() * items.length)];
  const between = (min: number, max: number) =>
    Math.round(min + random.next() * (max - min));
  const names: Array<{ tenantId: string; homeRegion: string }> = [];
  const seen = new Set<string>();
  for (const [region, tenants] of Object.entries(TENANTS))
    for (const tenantId of tenants) {
      names.push({ tenantId, homeRegion: region });
      seen.add(tenantId);
    }
  for (const first of FIRST)
    for (const second of SECOND) {
      const tenantId = `${first}-${second}`;
      if (seen.has(tenantId)) continue;
      seen.add(tenantId);
      names.push({ tenantId, homeRegion: pick(REGIONS) });
    }
  // A stable, seeded order of the generated names, so the count picks a varied subset.
  const fixed = names.slice(0, 8);
  const rest = names.slice(8);
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  return [...fixed, ...rest].slice(0, count).map(({ tenantId, homeRegion }) => {
    const activeDaysAgo = between(3, 430);
    const activeIsDrill = random.next() < 0.35;
    const previousDaysAgo = activeDaysAgo + between(30, 365);
    const previousIsDrill = !activeIsDrill && random.next() < 0.5;
    const grace = 14;
    const inGrace = activeDaysAgo < grace;
    return {
      tenantId,
      homeRegion,
      algorithm: random.next() < 0.7 ? 'EdDSA' : 'ES256',
      keys: [
        {
          origin: 'initial' as const,
          activatedDaysAgo: previousDaysAgo + between(200, 400),
          state: 'revoked' as const,
          endedDaysAgo: previousDaysAgo,
        },
        {
          origin: previousIsDrill ? ('drill' as const) : ('annual' as const),
          activatedDaysAgo: previousDaysAgo,
          state: inGrace ? ('verify-only' as const) : ('revoked' as const),
          endedDaysAgo: activeDaysAgo - (inGrace ? 0 : grace),
          ...(inGrace ? { revokeInDays: grace - activeDaysAgo } : {}),
        },
        {
          origin: activeIsDrill ? ('drill' as const) : ('annual' as const),
          activatedDaysAgo: activeDaysAgo,
          state: 'active' as const,
        },
      ],
    };
  });
}
