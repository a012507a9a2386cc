import { Fragment, useState } from 'react';
import { Link } from '@backstage/core-components';
import type { Operation } from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { formatAge } from '../../lib/formatAge';
import { formatSeconds, operationSeconds } from '../../lib/operationProgress';
import { operationWording } from '../../lib/operationWording';
import { OperationSteps } from '../OperationSteps';
import { actorName, OperationStateChip } from '../OperationProgress';

const COLUMNS = 7;

/** Hidden from sight, read by screen readers (the toggle column's header). */
const visuallyHidden = {
  border: 0,
  clip: 'rect(0 0 0 0)',
  height: '1px',
  margin: '-1px',
  overflow: 'hidden',
  padding: 0,
  position: 'absolute',
  whiteSpace: 'nowrap',
  width: '1px',
} as const;

function HistoryRow(props: {
  operation: Operation;
  now: number;
  showKind: boolean;
}) {
  const { operation, now, showKind } = props;
  const [open, setOpen] = useState(false);
  const wording = operationWording(operation);
  const id = `operation-steps-${operation.id}`;
  return (
    <Fragment>
      <TableRow sx={{ '& > td, & > th': { borderBottom: 'unset' } }}>
        <TableCell component="th" scope="row" sx={{ whiteSpace: 'nowrap' }}>
          <time dateTime={operation.createdAt}>
            {new Date(operation.createdAt).toLocaleString()}
          </time>
          <Typography variant="caption" display="block" color="text.secondary">
            {formatAge(operation.createdAt, now)}
          </Typography>
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          {actorName(operation.actor)}
        </TableCell>
        {showKind && (
          <TableCell sx={{ whiteSpace: 'nowrap' }}>{wording.noun}</TableCell>
        )}
        <TableCell>{operation.cluster.split(',').join(' → ')}</TableCell>
        <TableCell>
          <OperationStateChip operation={operation} />
        </TableCell>
        <TableCell sx={{ maxWidth: '28rem' }}>
          {operation.reason}
          {operation.incidentUrl && (
            <>
              {' · '}
              <Link to={operation.incidentUrl}>incident</Link>
            </>
          )}
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          {formatSeconds(operationSeconds(operation, now))}
          {operation.finishedAt ? '' : ' so far'}
        </TableCell>
        <TableCell>
          <Button
            size="small"
            sx={{ whiteSpace: 'nowrap' }}
            aria-expanded={open}
            aria-controls={id}
            aria-label={`${open ? 'hide' : 'show'} the steps of the ${
              wording.noun
            } of ${operation.cluster} ${formatAge(operation.createdAt, now)}`}
            onClick={() => setOpen(o => !o)}
          >
            {open ? 'Hide steps' : 'Steps'}
          </Button>
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell sx={{ py: 0 }} colSpan={COLUMNS + (showKind ? 1 : 0)}>
          <Collapse in={open} timeout="auto" unmountOnExit id={id}>
            <Box sx={{ pb: 2 }}>
              {operation.error && (
                <Alert severity="error" sx={{ mb: 1 }}>
                  {operation.error}
                </Alert>
              )}
              {operation.cancelRequestedBy && (
                <Typography variant="body2" sx={{ mb: 1 }}>
                  Cancel asked by {actorName(operation.cancelRequestedBy)}
                  {operation.cancelRequestedAt
                    ? ` ${formatAge(operation.cancelRequestedAt, now)}`
                    : ''}
                  .
                </Typography>
              )}
              <OperationSteps
                steps={operation.steps}
                label={`steps of ${wording.noun} ${operation.id}`}
                now={now}
              />
            </Box>
          </Collapse>
        </TableCell>
      </TableRow>
    </Fragment>
  );
}

/** The entity's operations, newest first; each row opens to its steps. */
export function OperationHistory(props: {
  operations: Operation[];
  totalCount: number;
  now: number;
  /** Shown when there is none; about drains by default. */
  emptyText?: string;
  /** Adds a column with each operation's kind (promote, abort, …). */
  showKind?: boolean;
}) {
  const { operations, totalCount, now, showKind = false } = props;
  if (operations.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        {props.emptyText ?? 'No drain has been run on this container yet.'}
      </Typography>
    );
  }
  return (
    <>
      <Table size="small" aria-label="operations history">
        <TableHead>
          <TableRow sx={{ '& > th': { whiteSpace: 'nowrap' } }}>
            <TableCell>When</TableCell>
            <TableCell>Who</TableCell>
            {showKind && <TableCell>Action</TableCell>}
            <TableCell>Region</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Reason</TableCell>
            <TableCell>Duration</TableCell>
            <TableCell>
              <Box component="span" sx={visuallyHidden}>
                Steps
              </Box>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {operations.map(operation => (
            <HistoryRow
              key={operation.id}
              operation={operation}
              now={now}
              showKind={showKind}
            />
          ))}
        </TableBody>
      </Table>
      {totalCount > operations.length && (
        <Typography variant="caption" color="text.secondary">
          The latest {operations.length} of {totalCount} operations.
        </Typography>
      )}
    </>
  );
}
