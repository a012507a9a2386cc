import type { LivePod } from '@internal/backstage-plugin-service-ops-common';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { formatDuration } from '../../lib/formatAge';

/** The pods of one container in one region. */
export function PodsTable(props: {
  pods: LivePod[];
  label: string;
  now: number;
}) {
  if (props.pods.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No pods.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={`pods of ${props.label}`}>
      <TableHead>
        <TableRow>
          <TableCell>Pod</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell>Ready</TableCell>
          <TableCell>Restarts</TableCell>
          <TableCell>Age</TableCell>
          <TableCell>Last termination</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.pods.map(pod => (
          <TableRow key={pod.name}>
            <TableCell component="th" scope="row">
              {pod.name}
            </TableCell>
            <TableCell>
              {pod.terminating ? `${pod.phase} (terminating)` : pod.phase}
            </TableCell>
            <TableCell sx={pod.ready ? undefined : { color: 'warning.main' }}>
              {pod.ready ? 'yes' : 'no'}
            </TableCell>
            <TableCell
              sx={pod.restarts > 0 ? { color: 'warning.main' } : undefined}
            >
              {pod.restarts}
            </TableCell>
            <TableCell>
              {pod.createdAt ? formatDuration(pod.createdAt, props.now) : '?'}
            </TableCell>
            <TableCell>{pod.lastTerminationReason ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
