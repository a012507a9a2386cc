import { useEffect, useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { CollabDrainPreview } from '@internal/backstage-plugin-service-ops-common';
import { CollabDrainTarget, serviceOpsApiRef } from '../api';

/** How long the inputs must be still before the preview is asked for (typing). */
export const PREVIEW_DEBOUNCE_MS = 300;

export interface DrainPreviewState {
  /** The preview of the current target; undefined while it loads or failed. */
  value?: CollabDrainPreview;
  error?: Error;
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
  const key = target ? `${JSON.stringify(target)} ${refreshKey}` : undefined;
  const [state, setState] = useState<{
    key?: string;
    value?: CollabDrainPreview;
    error?: Error;
  }>({});

  useEffect(() => {
    if (!key || !target) return undefined;
    let cancelled = false;
    const timer = setTimeout(() => {
      api.previewCollabDrain(target).then(
        value => {
          if (!cancelled) setState({ key, value });
        },
        (error: Error) => {
          if (!cancelled) setState({ key, error });
        },
      );
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // The key stands for the target's contents.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  if (!key) return { loading: false };
  if (state.key !== key) return { loading: true };
  return { value: state.value, error: state.error, loading: false };
}
