import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type {
  ConsumerFigures,
  StreamBacklog,
} from '@internal/backstage-plugin-service-ops-common';
import { formatAge } from '../../lib/formatAge';

const COLUMNS = [
  'Stream',
  'Region',
  'Consumer',
  'Pending',
  'Ack pending',
  'Redelivered',
  'Backlog',
  'Items',
  'Threshold',
  'Last activity',
];

/** The later of the last delivery and the last ack. */
function lastActivity(figures: ConsumerFigures): string | undefined {
  const times = [figures.lastDeliveredAt, figures.lastAckedAt].filter(
    (t): t is string => t !== undefined,
  );
  if (times.length === 0) return undefined;
  return times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b));
}

/** Every consumer's figures as JetStream gives them. */
export function ConsumerTable(props: {
  streams: StreamBacklog[];
  now: number;
}) {
  const { now } = props;
  return (
    <TableContainer>
      <Table size="small" aria-label="consumers">
        <TableHead>
          <TableRow>
            {COLUMNS.map(column => (
              <TableCell key={column}>{column}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {props.streams.flatMap(stream =>
            stream.consumers.map(consumer => {
              const f = consumer.figures;
              const last = f && lastActivity(f);
              return (
                <TableRow key={`${stream.stream}/${consumer.name}`}>
                  <TableCell>{stream.stream}</TableCell>
                  <TableCell>{stream.region ?? '—'}</TableCell>
                  <TableCell>
                    {consumer.name}
                    {consumer.error && (
                      <Typography variant="body2" color="error">
                        {consumer.error}
                      </Typography>
                    )}
                  </TableCell>
                  <TableCell>{f?.pending ?? '—'}</TableCell>
                  <TableCell>{f?.ackPending ?? '—'}</TableCell>
                  <TableCell>{f?.redelivered ?? '—'}</TableCell>
                  <TableCell>{f?.backlog ?? '—'}</TableCell>
                  <TableCell>{consumer.items ?? '—'}</TableCell>
                  <TableCell>
                    {consumer.threshold
                      ? consumer.threshold.text ??
                        String(consumer.threshold.value)
                      : '—'}
                  </TableCell>
                  <TableCell>{last ? formatAge(last, now) : '—'}</TableCell>
                </TableRow>
              );
            }),
          )}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
