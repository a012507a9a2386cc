import { randomUUID } from 'node:crypto';
import { Random } from '@internal/k8s-emulator';
import type { SagaOutcome, SagaPlan } from './types';

/** The share of publish sagas that stall at each step or fail; the rest complete. */
export interface SagaOdds {
  /** Never built: no `content.play_package.built.v1` follows the draft. */
  stallBeforeBuild: number;
  /** Built but never catalogued: no `catalog.course_version.published.v1`. */
  stallBeforeCatalog: number;
  /** Build fails, then the saga is compensated. */
  fail: number;
}

export const SAGA_ODDS: SagaOdds = {
  stallBeforeBuild: 0.1,
  stallBeforeCatalog: 0.1,
  fail: 0.03,
};

/** A few tenants per region; a tenant's drafts live in its home region. */
export const TENANTS: Record<string, readonly string[]> = {
  us: ['acme-learning', 'globex-academy'],
  eu: ['northwind-training', 'contoso-university'],
  me: ['falcon-institute', 'oasis-learning'],
  ap: ['sakura-academy', 'koala-training'],
};

const COURSES_PER_TENANT = 12;

const FAILURES = [
  'asset processing failed: video transcode timed out',
  'asset processing failed: image exceeds 50 MB',
  'block renderer failed: unsupported interaction type',
  'manifest validation failed: lesson without blocks',
];

export const tenantsOf = (region: string): readonly string[] =>
  TENANTS[region] ?? [`${region}-tenant`];

/**
 * Plans publish sagas: tenant (and so home region), course, version and outcome come
 * from a seeded generator, so the same seed gives the same sequence of sagas; the ids
 * are fresh (UUIDs) so that a restarted demo never reuses a saga's `publishId`.
 */
export class SagaPlanner {
  private readonly random: Random;
  private readonly odds: SagaOdds;
  private readonly tenants: Array<{ tenantId: string; homeRegion: string }>;
  private readonly versions = new Map<string, number>();
  private readonly newId: () => string;

  constructor(options: {
    regions: readonly string[];
    seed: number;
    odds?: SagaOdds;
    newId?: () => string;
  }) {
    this.random = new Random(options.seed * 7919 + 17);
    this.odds = options.odds ?? SAGA_ODDS;
    this.newId = options.newId ?? randomUUID;
    this.tenants = options.regions.flatMap(homeRegion =>
      tenantsOf(homeRegion).map(tenantId => ({ tenantId, homeRegion })),
    );
  }

  next(): SagaPlan {
    const { tenantId, homeRegion } = this.pick(this.tenants);
    const course = 1 + Math.floor(this.random.next() * COURSES_PER_TENANT);
    const courseId = `${tenantId}-course-${String(course).padStart(2, '0')}`;
    const version = (this.versions.get(courseId) ?? 0) + 1;
    this.versions.set(courseId, version);
    const outcome = this.outcome();
    return {
      publishId: this.newId(),
      tenantId,
      homeRegion,
      draftId: this.newId(),
      courseId,
      courseVersion: `1.${version}`,
      playPackageId: this.newId(),
      outcome,
      ...(outcome === 'fail' ? { reason: this.pick(FAILURES) } : {}),
    };
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random.next() * items.length)];
  }

  private outcome(): SagaOutcome {
    const roll = this.random.next();
    const { stallBeforeBuild, stallBeforeCatalog, fail } = this.odds;
    if (roll < fail) return 'fail';
    if (roll < fail + stallBeforeBuild) return 'stall-before-build';
    if (roll < fail + stallBeforeBuild + stallBeforeCatalog)
      return 'stall-before-catalog';
    return 'complete';
  }
}
