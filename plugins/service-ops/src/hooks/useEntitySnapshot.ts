import { useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useInterval from 'react-use/esm/useInterval';
import { useApi } from '@backstage/frontend-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  EntitySnapshot,
  liveStateChannel,
} from '@internal/backstage-plugin-service-ops-common';
import { serviceOpsApiRef } from '../api';
import { useThrottledTick } from './useThrottledTick';

/** How often to refetch when the app has no signals (no push) installed. */
export const POLL_WITHOUT_SIGNALS_MS = 30_000;

/**
 * How often to refetch even with signals: the backend pushes only for entities read in
 * the last hour (`serviceOps.liveState.pushInterestSeconds`), so a page left open on a
 * quiet entity renews its interest with this refetch.
 */
export const REFRESH_WITH_SIGNALS_MS = 10 * 60_000;

/** At most one refetch per this interval however often signals arrive. */
export const MIN_REFETCH_INTERVAL_MS = 1_000;

export interface EntitySnapshotState {
  /** The latest snapshot of this entity; kept while a refetch runs. */
  value?: EntitySnapshot;
  /** True until the first snapshot (or error) arrives. */
  loading: boolean;
  /** The last fetch's failure; `value` may still hold older data. */
  error?: Error;
}

/**
 * The live state of an entity's workloads: fetched once, then refetched whenever the
 * backend signals on the entity's live-state channel that the snapshot changed (at most
 * once a second), every 10 minutes to keep the backend's push interest alive, or every
 * 30 s when signals are not available.
 */
export function useEntitySnapshot(entityRef: string): EntitySnapshotState {
  const api = useApi(serviceOpsApiRef);
  const { lastSignal, isSignalsAvailable } = useSignal(
    liveStateChannel(entityRef),
  );
  const [poll, setPoll] = useState(0);
  useInterval(
    () => setPoll(n => n + 1),
    isSignalsAvailable ? REFRESH_WITH_SIGNALS_MS : POLL_WITHOUT_SIGNALS_MS,
  );
  const pushed = useThrottledTick(lastSignal, MIN_REFETCH_INTERVAL_MS);

  // The last snapshot that arrived, so that a failed refetch does not blank the page.
  const last = useRef<{ entityRef: string; snapshot: EntitySnapshot }>();
  const { loading, error } = useAsync(async () => {
    const snapshot = await api.getSnapshot({ entityRef });
    last.current = { entityRef, snapshot };
  }, [api, entityRef, pushed, poll]);

  // Never show another entity's data while the new entity's first fetch runs.
  const current =
    last.current?.entityRef === entityRef ? last.current.snapshot : undefined;
  return {
    value: current,
    loading: loading && !current && !error,
    error: loading ? undefined : error,
  };
}
