import { useEffect, useRef, useState } from 'react';

/**
 * Turns a stream of triggers into refetch ticks at most one per `minIntervalMs`: the
 * first trigger after a quiet period ticks at once, a burst ticks once more at the end
 * of the interval, so the last change is never missed.
 */
export function useThrottledTick(
  trigger: unknown,
  minIntervalMs: number,
): number {
  const [tick, setTick] = useState(0);
  const lastTickAt = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout>>();
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (pending.current) return;
    const wait = lastTickAt.current + minIntervalMs - Date.now();
    const fire = () => {
      pending.current = undefined;
      lastTickAt.current = Date.now();
      setTick(n => n + 1);
    };
    if (wait <= 0) fire();
    else pending.current = setTimeout(fire, wait);
  }, [trigger, minIntervalMs]);

  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  return tick;
}
