import type { Theme } from '@mui/material/styles';
import type { HealthLevel } from '@internal/backstage-plugin-service-ops-common';

/** Words for a health level, for text next to its colour. */
export const HEALTH_LABELS: Record<HealthLevel, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  down: 'down',
  unknown: 'unknown',
};

/** The theme's colour of a health level: success, warning, error, grey. */
export function healthColor(theme: Theme, level: HealthLevel): string {
  switch (level) {
    case 'healthy':
      return theme.palette.success.main;
    case 'degraded':
      return theme.palette.warning.main;
    case 'down':
      return theme.palette.error.main;
    default:
      return theme.palette.grey[500];
  }
}
