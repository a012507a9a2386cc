import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Chip from '@mui/material/Chip';
import type { NatsHealth } from '@internal/backstage-plugin-service-ops-common';
import { formatAge } from '../../lib/formatAge';

/**
 * The backend's connection to NATS: a chip while connected, otherwise an alert saying
 * what the figures below mean.
 */
export function NatsBanner(props: { nats: NatsHealth; now: number }) {
  const { nats, now } = props;
  const since = formatAge(nats.since, now);
  const lastError = nats.lastError
    ? ` Last error: ${nats.lastError.message}.`
    : '';
  switch (nats.state) {
    case 'connected':
      return (
        <Chip
          size="small"
          color="success"
          variant="outlined"
          label={`NATS connected${nats.server ? ` to ${nats.server}` : ''}`}
        />
      );
    case 'reconnecting':
      return (
        <Alert severity="warning">
          <AlertTitle>NATS is reconnecting</AlertTitle>
          The backend lost its connection to NATS {since} and keeps retrying.
          Streams and consumers are listed without live figures until it is
          back; the history and the sagas shown are those stored before.
          {lastError}
        </Alert>
      );
    case 'disconnected':
      return (
        <Alert severity="error">
          <AlertTitle>NATS is unreachable</AlertTitle>
          The backend has not been connected to NATS since {since}
          {nats.server ? ` (${nats.server})` : ''}: no live backlog figures can
          be read, and poison messages sent meanwhile are not seen. The
          configured streams and consumers are listed without figures.
          {lastError}
        </Alert>
      );
    default:
      return (
        <Alert severity="info">
          <AlertTitle>NATS is not configured</AlertTitle>
          The service-ops backend has no <code>serviceOps.nats</code> in its
          app-config, so it reads no backlog and projects no sagas.
        </Alert>
      );
  }
}
