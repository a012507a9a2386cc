import type {
  DeclaredContainer,
  DriftFinding,
  EntitySnapshot,
} from '@internal/backstage-plugin-service-ops-common';
import {
  formatBytes,
  formatCores,
} from '@internal/backstage-plugin-service-ops-common';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { alpha, useTheme } from '@mui/material/styles';
import { describeDrift } from '../../lib/describeDrift';
import { ResourceKind, resourceRows } from './resourceRows';

const format = (value: number, kind: ResourceKind) =>
  kind === 'cpu' ? formatCores(value) : formatBytes(value);

function ValueCell(props: {
  value?: number;
  kind: ResourceKind;
  missing: string;
  drift?: DriftFinding;
}) {
  const theme = useTheme();
  const { value, kind, missing, drift } = props;
  return (
    <TableCell
      sx={
        drift ? { bgcolor: alpha(theme.palette.warning.main, 0.18) } : undefined
      }
    >
      <Stack direction="row" spacing={1} alignItems="center">
        {value === undefined ? (
          <Typography variant="body2" color="text.secondary">
            {missing}
          </Typography>
        ) : (
          <span>{format(value, kind)}</span>
        )}
        {drift && (
          <Chip
            size="small"
            color="warning"
            label="drift"
            title={describeDrift(drift)}
          />
        )}
      </Stack>
    </TableCell>
  );
}

/**
 * Requests and limits per container and region as declared and as deployed, and
 * what the pods use; values the backend reports as drifted are highlighted.
 */
export function ResourcesTable(props: {
  snapshot: EntitySnapshot;
  declared: Map<string, DeclaredContainer>;
}) {
  const theme = useTheme();
  const rows = resourceRows(props);
  if (rows.length === 0) {
    return (
      <Typography color="text.secondary">
        No requests or limits to compare.
      </Typography>
    );
  }
  return (
    <TableContainer>
      <Table
        size="small"
        aria-label="resources"
        sx={{
          '& th': { whiteSpace: 'nowrap' },
          // Dense rows: a service has a row per container, region and resource.
          '& td, & th': { py: 0.5 },
        }}
      >
        <TableHead>
          <TableRow>
            <TableCell>Container</TableCell>
            <TableCell>Region</TableCell>
            <TableCell>Resource</TableCell>
            <TableCell>Request declared</TableCell>
            <TableCell>Request in cluster</TableCell>
            <TableCell>Limit declared</TableCell>
            <TableCell>Limit in cluster</TableCell>
            <TableCell>Usage per pod (avg)</TableCell>
            <TableCell>Usage total</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => {
            const drifted =
              !!row.request.drift || !!row.limit.drift || !!row.presenceDrift;
            const notDeployed = row.deployed ? 'not set' : 'not deployed';
            const notDeclared = row.declared ? 'not declared' : 'undeclared';
            return (
              <TableRow
                key={`${row.container}-${row.cluster}-${row.resource}`}
                sx={
                  drifted
                    ? { bgcolor: alpha(theme.palette.warning.main, 0.06) }
                    : undefined
                }
              >
                <TableCell component="th" scope="row">
                  {row.container}
                  {row.presenceDrift && (
                    <Chip
                      size="small"
                      color="warning"
                      label={row.deployed ? 'not declared' : 'not deployed'}
                      sx={{ ml: 1 }}
                    />
                  )}
                </TableCell>
                <TableCell>{row.cluster}</TableCell>
                <TableCell sx={{ whiteSpace: 'nowrap' }}>
                  {row.resource === 'cpu' ? 'CPU' : 'memory'}
                </TableCell>
                <ValueCell
                  value={row.request.declared}
                  kind={row.resource}
                  missing={notDeclared}
                />
                <ValueCell
                  value={row.request.cluster}
                  kind={row.resource}
                  missing={notDeployed}
                  drift={row.request.drift}
                />
                <ValueCell
                  value={row.limit.declared}
                  kind={row.resource}
                  missing={notDeclared}
                />
                <ValueCell
                  value={row.limit.cluster}
                  kind={row.resource}
                  missing={notDeployed}
                  drift={row.limit.drift}
                />
                <ValueCell
                  value={row.usage?.average}
                  kind={row.resource}
                  missing={row.deployed ? 'no samples' : '—'}
                />
                <TableCell>
                  {row.usage
                    ? `${format(row.usage.total, row.resource)} over ${
                        row.usage.pods
                      } pod${row.usage.pods === 1 ? '' : 's'}`
                    : '—'}
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
