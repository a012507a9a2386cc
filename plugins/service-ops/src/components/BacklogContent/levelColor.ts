import type { Theme } from '@mui/material/styles';
import type { BacklogLevel } from '@internal/backstage-plugin-service-ops-common';

/** Words for a backlog level, for text next to its colour. */
export const LEVEL_LABELS: Record<BacklogLevel, string> = {
  above: 'above threshold',
  below: 'below threshold',
  unknown: 'unknown',
};

/** The MUI colour name of a level: below is success, above is error, unknown grey. */
export function levelChipColor(
  level: BacklogLevel,
): 'success' | 'error' | 'default' {
  switch (level) {
    case 'above':
      return 'error';
    case 'below':
      return 'success';
    default:
      return 'default';
  }
}

/** The theme's colour of a level. */
export function levelColor(theme: Theme, level: BacklogLevel): string {
  switch (level) {
    case 'above':
      return theme.palette.error.main;
    case 'below':
      return theme.palette.success.main;
    default:
      return theme.palette.grey[500];
  }
}
