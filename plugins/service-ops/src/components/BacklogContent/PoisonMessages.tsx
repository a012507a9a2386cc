import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import type { PoisonMessage } from '@internal/backstage-plugin-service-ops-common';
import { formatAge } from '../../lib/formatAge';

/** Messages the consumers gave up on, newest first. */
export function PoisonMessages(props: { items: PoisonMessage[]; now: number }) {
  if (props.items.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No poison messages: no consumer gave up on a message.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label="poison messages">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Stream</TableCell>
          <TableCell>Consumer</TableCell>
          <TableCell>Sequence</TableCell>
          <TableCell>Deliveries</TableCell>
          <TableCell>Why</TableCell>
          <TableCell>Message</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.items.map(item => (
          <TableRow key={`${item.stream}/${item.consumer}/${item.streamSeq}`}>
            <TableCell>{formatAge(item.at, props.now)}</TableCell>
            <TableCell>{item.stream}</TableCell>
            <TableCell>{item.consumer}</TableCell>
            <TableCell>{item.streamSeq}</TableCell>
            <TableCell>{item.deliveries}</TableCell>
            <TableCell>
              {item.kind === 'max-deliveries'
                ? 'max deliveries reached'
                : `terminated${item.reason ? `: ${item.reason}` : ''}`}
            </TableCell>
            <TableCell>
              {item.subject && (
                <Typography variant="body2">{item.subject}</Typography>
              )}
              {item.excerpt && (
                <Typography
                  variant="body2"
                  component="code"
                  color="text.secondary"
                >
                  {item.excerpt}
                </Typography>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
