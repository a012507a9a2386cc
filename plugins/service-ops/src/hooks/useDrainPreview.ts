import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { CollabDrainPreview } from '@internal/backstage-plugin-service-ops-common';
import { CollabDrainTarget, serviceOpsApiRef } from '../api';

/** How long the inputs must be still before the preview is asked for (typing). */
export const PREVIEW_DEBOUNCE_MS = 300;

export interface DrainPreviewState {
  /**
   * The preview of the current target; while it is asked for again after a drain
   * started or ended, the last one of the same target.
   */
  value?: CollabDrainPreview;
  error?: Error;
  /** True while the preview of the current target and refresh key is on its way. */
  loading: boolean;
}

/**
 * The backend's preview of a drain of `target`, asked for again whenever the target
 * or `refreshKey` changes (a drain started or ended), once the inputs are still for
 * {@link PREVIEW_DEBOUNCE_MS}. No target, no preview.
 */
export function useDrainPreview(
  target: CollabDrainTarget | undefined,
  refreshKey: string,
): DrainPreviewState {
  const api = useApi(serviceOpsApiRef);
  const targetKey = target ? JSON.stringify(target) : undefined;
  const [state, setState] = useState<{
    targetKey?: string;
    refreshKey?: string;
    value?: CollabDrainPreview;
    error?: Error;
  }>({});

  useEffect(() => {
    if (!targetKey) return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.previewCollabDrain(JSON.parse(targetKey)).then(
        value => {
          if (!cancelled) setState({ targetKey, refreshKey, value });
        },
        (error: Error) => {
          if (!cancelled) setState({ targetKey, refreshKey, error });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, targetKey, refreshKey]);

  if (!targetKey) return { loading: false };
  if (state.targetKey !== targetKey) return { loading: true };
  if (state.refreshKey !== refreshKey) {
    return { value: state.value, loading: true };
  }
  return { value: state.value, error: state.error, loading: false };
}
