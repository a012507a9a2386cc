import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  EntitySnapshot,
  liveStateChannel,
  LiveStateSignal,
} from '@internal/backstage-plugin-service-ops-common';
import { snapshotContentJson } from '../snapshotJson';

/** What a snapshot is compared on: everything but the times that move on every read. */
export function fingerprint(snapshot: EntitySnapshot): string {
  const { containers, drift } = snapshotContentJson(snapshot);
  return `${JSON.stringify(
    snapshot.clusters.map(c => [c.name, c.status, c.error]),
  )}${containers}${drift}`;
}

interface Interest {
  /** Builds the entity's current snapshot (from memory). */
  build: () => EntitySnapshot | Promise<EntitySnapshot>;
  fingerprint: string;
  expiresAt: number;
}

/**
 * Pushes "this entity's live state changed" over Backstage signals. Entities become
 * interesting when someone reads their snapshot and stay so for `interestMs` after the
 * last read; on a change anywhere in the clusters (debounced), each interesting entity's
 * snapshot is rebuilt from memory and a signal goes out only for those whose content
 * changed. Clients then refetch the snapshot through the permission-checked endpoint, so
 * the signal itself carries no live data.
 */
export class LiveStatePublisher {
  private readonly interests = new Map<string, Interest>();
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
    private readonly options: { debounceMs: number; interestMs: number },
    private readonly now: () => number = Date.now,
  ) {}

  /** Records that a client has read `snapshot`; later changes to it will be pushed. */
  watch(snapshot: EntitySnapshot, build: Interest['build']) {
    this.interests.set(snapshot.entityRef, {
      build,
      fingerprint: fingerprint(snapshot),
      expiresAt: this.now() + this.options.interestMs,
    });
  }

  /** Called on every cluster change; coalesces bursts into one check per debounce window. */
  changed() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.running.then(() => this.check());
    }, this.options.debounceMs);
  }

  /** Rebuilds the interesting snapshots and signals the changed ones; returns their refs. */
  async check(): Promise<string[]> {
    const changed: string[] = [];
    for (const [entityRef, interest] of [...this.interests.entries()]) {
      if (interest.expiresAt < this.now()) {
        this.interests.delete(entityRef);
        continue;
      }
      try {
        const snapshot = await interest.build();
        const next = fingerprint(snapshot);
        if (next === interest.fingerprint) continue;
        interest.fingerprint = next;
        changed.push(entityRef);
        const message: LiveStateSignal = {
          entityRef,
          generatedAt: snapshot.generatedAt,
        };
        await this.signals.publish({
          recipients: { type: 'broadcast' },
          channel: liveStateChannel(entityRef),
          message: { ...message },
        });
      } catch (error) {
        this.logger.warn(`could not check ${entityRef} for changes: ${error}`);
      }
    }
    return changed;
  }

  /** Entities currently pushed. */
  watched(): string[] {
    return [...this.interests.keys()];
  }

  stop() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
