import type { LiveEvent } from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import { formatAge } from '../../lib/formatAge';

/** "BackOff ×4 on Pod/content-builder-…: Back-off restarting … (4 min ago)". */
export function describeEvent(event: LiveEvent, now: number): string {
  const count = event.count > 1 ? ` ×${event.count}` : '';
  const when = event.lastSeen ? ` (${formatAge(event.lastSeen, now)})` : '';
  return `${event.reason}${count} on ${event.object}: ${event.message}${when}`;
}

/** Recent Warning events of the workload, its pods and its HPA, newest first. */
export function WarningEvents(props: { events: LiveEvent[]; now: number }) {
  if (props.events.length === 0) return null;
  return (
    <Stack spacing={0.5} aria-label="warning events">
      {props.events.map(event => (
        <Alert
          key={`${event.object}-${event.reason}`}
          severity="warning"
          variant="outlined"
          role="status"
        >
          {describeEvent(event, props.now)}
        </Alert>
      ))}
    </Stack>
  );
}
