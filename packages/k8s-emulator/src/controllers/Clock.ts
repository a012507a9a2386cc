/** Simulated time: the controllers and the load model read it, never `Date.now()`. */
export interface Clock {
  /** Simulated epoch milliseconds. */
  now(): number;
}

/**
 * Simulated time running `acceleration` times faster than real time from `start`
 * (60 turns a real minute into a simulated hour).
 */
export class AcceleratedClock implements Clock {
  private readonly realStart = Date.now();

  constructor(
    private readonly acceleration = 1,
    private readonly start = Date.now(),
  ) {}

  now(): number {
    return this.start + (Date.now() - this.realStart) * this.acceleration;
  }
}

/** A clock that moves only when told to: for deterministic tests. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 10, 22, 12, 0, 0)) {}

  now(): number {
    return this.current;
  }

  advance(ms: number) {
    this.current += ms;
  }
}

/** `2026-11-22T12:00:00Z`, as Kubernetes writes timestamps. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
