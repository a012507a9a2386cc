import { useEffect, useState } from 'react';
import { ResponseErrorPanel, WarningPanel } from '@backstage/core-components';
import {
  KEY_REGIONS,
  KeyInventory,
  KeyInventoryItem,
} from '@internal/backstage-plugin-service-ops-common';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Chip from '@mui/material/Chip';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import InputLabel from '@mui/material/InputLabel';
import LinearProgress from '@mui/material/LinearProgress';
import MenuItem from '@mui/material/MenuItem';
import Select from '@mui/material/Select';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TablePagination from '@mui/material/TablePagination';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { GetKeyInventoryOptions, KeyInventorySort } from '../../api';
import { useKeyInventory } from '../../hooks/useKeyInventory';
import { backendMessage } from '../../lib/backendMessage';

type Filters = Pick<
  GetKeyInventoryOptions,
  'q' | 'homeRegion' | 'rotation' | 'drill' | 'notReplicated'
> & { sort: KeyInventorySort };

const EMPTY_FILTERS: Filters = { sort: 'tenant' };

const DRILL_LABELS = {
  current: 'done this quarter',
  due: 'due this quarter',
  overdue: 'overdue',
} as const;

const ROTATION_LABELS = {
  ok: 'on schedule',
  'due-soon': 'due soon',
  overdue: 'overdue',
  'no-active-key': 'no active key',
} as const;

const day = (iso: string) => iso.slice(0, 10);

type ChipColor = 'default' | 'error' | 'warning' | 'success';

/** `in 317 days`, `today`, `62 days ago`. */
function relativeDays(days: number): string {
  if (days === 0) return 'today';
  return days > 0 ? `in ${days} days` : `${-days} days ago`;
}

function RotationCell(props: { item: KeyInventoryItem }) {
  const { item } = props;
  if (!item.rotationDueAt || item.daysToRotation === undefined)
    return <Chip size="small" color="error" label="no active key" />;
  const colors: Record<KeyInventoryItem['rotation'], ChipColor> = {
    overdue: 'error',
    'due-soon': 'warning',
    ok: 'default',
    'no-active-key': 'error',
  };
  const color = colors[item.rotation];
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      <Typography variant="body2">{day(item.rotationDueAt)}</Typography>
      <Chip
        size="small"
        color={color}
        variant={color === 'default' ? 'outlined' : 'filled'}
        label={`${ROTATION_LABELS[item.rotation]} · ${relativeDays(
          item.daysToRotation,
        )}`}
      />
    </Stack>
  );
}

function DrillCell(props: { item: KeyInventoryItem }) {
  const { item } = props;
  const color = (
    { overdue: 'error', due: 'warning', current: 'success' } as const
  )[item.drill];
  return (
    <Stack spacing={0.5} alignItems="flex-start">
      <Typography variant="body2">
        {item.lastDrillAt ? day(item.lastDrillAt) : 'never'}
      </Typography>
      <Chip size="small" color={color} label={DRILL_LABELS[item.drill]} />
    </Stack>
  );
}

function ReplicationCell(props: { item: KeyInventoryItem }) {
  const { item } = props;
  if (!item.activeKid) return <Typography variant="body2">—</Typography>;
  return (
    <Stack direction="row" spacing={0.5} flexWrap="wrap" useFlexGap>
      {KEY_REGIONS.map(region => {
        const state = item.replication[region];
        const ok = state === 'replicated';
        return (
          <Tooltip
            key={region}
            title={`${region}: ${ok ? 'in the JWKS' : 'not in the JWKS yet'}`}
          >
            <Chip
              size="small"
              label={region}
              color={ok ? 'success' : 'warning'}
              variant={ok ? 'outlined' : 'filled'}
              aria-label={`${region} ${ok ? 'replicated' : 'not replicated'}`}
            />
          </Tooltip>
        );
      })}
      {item.pendingKid && (
        <Tooltip title={`${item.pendingKid} is created and not active yet`}>
          <Chip size="small" color="info" label="rotation under way" />
        </Tooltip>
      )}
    </Stack>
  );
}

function Summary(props: {
  inventory: KeyInventory;
  filters: Filters;
  onFilters: (filters: Filters) => void;
}) {
  const { inventory, filters, onFilters } = props;
  const { summary } = inventory;
  const chip = (
    label: string,
    count: number,
    color: 'error' | 'warning',
    apply: Partial<Filters>,
    active: boolean,
  ) => (
    <Chip
      label={`${count} ${label}`}
      color={count > 0 ? color : 'default'}
      variant={active ? 'filled' : 'outlined'}
      onClick={() =>
        onFilters(
          active
            ? { ...EMPTY_FILTERS, sort: filters.sort }
            : { ...EMPTY_FILTERS, sort: filters.sort, ...apply },
        )
      }
    />
  );
  return (
    <Stack
      direction="row"
      spacing={1}
      flexWrap="wrap"
      useFlexGap
      alignItems="center"
    >
      <Typography variant="body2">
        {summary.tenants} tenants; this quarter's drills are due by{' '}
        {day(new Date(Date.parse(inventory.quarterEndsAt) - 1).toISOString())}.
      </Typography>
      {chip(
        'drills overdue',
        summary.drillOverdue,
        'error',
        { drill: 'overdue' },
        filters.drill === 'overdue',
      )}
      {chip(
        'drills due this quarter',
        summary.drillDue,
        'warning',
        { drill: 'due' },
        filters.drill === 'due',
      )}
      {chip(
        'annual rotations overdue',
        summary.rotationOverdue,
        'error',
        { rotation: 'overdue' },
        filters.rotation === 'overdue',
      )}
      {chip(
        'due within 30 days',
        summary.rotationDueSoon,
        'warning',
        { rotation: 'due-soon' },
        filters.rotation === 'due-soon',
      )}
      {chip(
        'not replicated everywhere',
        summary.notReplicated,
        'warning',
        { notReplicated: true },
        !!filters.notReplicated,
      )}
    </Stack>
  );
}

/**
 * The signing-key inventory of every tenant: searchable by tenant or kid, filtered by
 * home region, annual rotation, drill and replication, sorted, paged on the server.
 * Rows can be selected for a bulk rotation; overdue drills and rotations are
 * highlighted.
 */
export function KeyInventoryTable(props: {
  entityRef: string;
  /** Whether the user may ask for rotations (their permission). */
  canRotate: boolean;
  /** Read again when this changes (a rotation changed keys). */
  refreshKey: number;
  onRotate: (tenants: string[]) => void;
}) {
  const { entityRef, canRotate, refreshKey, onRotate } = props;
  const [filters, setFilters] = useState<Filters>(EMPTY_FILTERS);
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(25);
  const [selected, setSelected] = useState<string[]>([]);
  // The search is sent once typing pauses.
  useEffect(() => {
    const timer = setTimeout(
      () =>
        setFilters(f =>
          f.q === search ? f : { ...f, q: search || undefined },
        ),
      300,
    );
    return () => clearTimeout(timer);
  }, [search]);
  useEffect(() => setPage(0), [filters, pageSize]);
  const inventory = useKeyInventory(
    {
      entityRef,
      ...filters,
      limit: pageSize,
      offset: page * pageSize,
    },
    refreshKey,
  );
  const applyFilters = (next: Filters) => {
    setFilters(next);
    setSearch(next.q ?? '');
  };
  const items = inventory.value?.items ?? [];
  const toggle = (tenantId: string) =>
    setSelected(s =>
      s.includes(tenantId) ? s.filter(t => t !== tenantId) : [...s, tenantId],
    );
  const pageIds = items.map(i => i.tenantId);
  const allOnPage =
    pageIds.length > 0 && pageIds.every(t => selected.includes(t));

  return (
    <Stack spacing={2}>
      {inventory.value && (
        <Summary
          inventory={inventory.value}
          filters={filters}
          onFilters={applyFilters}
        />
      )}
      <Stack
        direction="row"
        spacing={2}
        flexWrap="wrap"
        useFlexGap
        alignItems="center"
      >
        <TextField
          size="small"
          label="Search tenant or kid"
          value={search}
          onChange={e => setSearch(e.target.value)}
          sx={{ minWidth: 260 }}
        />
        <FormControl size="small" sx={{ minWidth: 140 }}>
          <InputLabel id="keys-home-region">Home region</InputLabel>
          <Select
            labelId="keys-home-region"
            label="Home region"
            value={filters.homeRegion ?? ''}
            onChange={e =>
              setFilters(f => ({
                ...f,
                homeRegion: e.target.value || undefined,
              }))
            }
          >
            <MenuItem value="">Any</MenuItem>
            {KEY_REGIONS.map(r => (
              <MenuItem key={r} value={r}>
                {r}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 170 }}>
          <InputLabel id="keys-drill">Drill</InputLabel>
          <Select
            labelId="keys-drill"
            label="Drill"
            value={filters.drill ?? ''}
            onChange={e =>
              setFilters(f => ({
                ...f,
                drill: (e.target.value || undefined) as Filters['drill'],
              }))
            }
          >
            <MenuItem value="">Any</MenuItem>
            <MenuItem value="current">Done this quarter</MenuItem>
            <MenuItem value="due">Due this quarter</MenuItem>
            <MenuItem value="overdue">Overdue</MenuItem>
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 170 }}>
          <InputLabel id="keys-rotation">Annual rotation</InputLabel>
          <Select
            labelId="keys-rotation"
            label="Annual rotation"
            value={filters.rotation ?? ''}
            onChange={e =>
              setFilters(f => ({
                ...f,
                rotation: (e.target.value || undefined) as Filters['rotation'],
              }))
            }
          >
            <MenuItem value="">Any</MenuItem>
            <MenuItem value="ok">On schedule</MenuItem>
            <MenuItem value="due-soon">Due within 30 days</MenuItem>
            <MenuItem value="overdue">Overdue</MenuItem>
            <MenuItem value="no-active-key">No active key</MenuItem>
          </Select>
        </FormControl>
        <FormControl size="small" sx={{ minWidth: 170 }}>
          <InputLabel id="keys-sort">Sort by</InputLabel>
          <Select
            labelId="keys-sort"
            label="Sort by"
            value={filters.sort}
            onChange={e =>
              setFilters(f => ({
                ...f,
                sort: e.target.value as KeyInventorySort,
              }))
            }
          >
            <MenuItem value="tenant">Tenant</MenuItem>
            <MenuItem value="age">Oldest key first</MenuItem>
            <MenuItem value="rotation-due">Rotation due first</MenuItem>
            <MenuItem value="last-drill">Longest without a drill</MenuItem>
          </Select>
        </FormControl>
        <FormControlLabel
          control={
            <Switch
              checked={!!filters.notReplicated}
              onChange={e =>
                setFilters(f => ({
                  ...f,
                  notReplicated: e.target.checked || undefined,
                }))
              }
            />
          }
          label="Not replicated everywhere"
        />
        <Box sx={{ flexGrow: 1 }} />
        {canRotate && (
          <Button
            variant="contained"
            disabled={selected.length === 0}
            onClick={() => onRotate([...selected].sort())}
          >
            Rotate {selected.length || ''} selected…
          </Button>
        )}
        {selected.length > 0 && (
          <Button onClick={() => setSelected([])}>Clear selection</Button>
        )}
      </Stack>
      {inventory.loading && (
        <LinearProgress aria-label="loading the key inventory" />
      )}
      {inventory.error && !inventory.value && (
        <ResponseErrorPanel
          title="Could not load the signing keys"
          error={inventory.error}
        />
      )}
      {inventory.error && inventory.value && (
        <WarningPanel
          severity="warning"
          title="Could not refresh the signing keys; showing the last answer"
          message={backendMessage(inventory.error)}
        />
      )}
      {inventory.value && items.length === 0 && (
        <Stack direction="row" spacing={2} alignItems="center">
          <Typography variant="body2" color="text.secondary">
            {inventory.value.summary.tenants === 0
              ? 'content-service reports no tenants.'
              : 'No tenant matches these filters.'}
          </Typography>
          {inventory.value.summary.tenants > 0 && (
            <Button size="small" onClick={() => applyFilters(EMPTY_FILTERS)}>
              Clear filters
            </Button>
          )}
        </Stack>
      )}
      {items.length > 0 && (
        <>
          <Table size="small" aria-label="signing keys per tenant">
            <TableHead>
              <TableRow sx={{ '& > th': { whiteSpace: 'nowrap' } }}>
                {canRotate && (
                  <TableCell padding="checkbox">
                    <Checkbox
                      checked={allOnPage}
                      onChange={() =>
                        setSelected(s =>
                          allOnPage
                            ? s.filter(t => !pageIds.includes(t))
                            : [...new Set([...s, ...pageIds])],
                        )
                      }
                      inputProps={{
                        'aria-label': 'select every tenant on this page',
                      }}
                    />
                  </TableCell>
                )}
                <TableCell>Tenant</TableCell>
                <TableCell>Active key</TableCell>
                <TableCell>Age</TableCell>
                <TableCell>Annual rotation</TableCell>
                <TableCell>Last drill</TableCell>
                <TableCell>Replication</TableCell>
                {canRotate && <TableCell />}
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(item => {
                const overdue =
                  item.drill === 'overdue' || item.rotation === 'overdue';
                return (
                  <TableRow
                    key={item.tenantId}
                    hover
                    selected={selected.includes(item.tenantId)}
                    data-overdue={overdue ? 'true' : undefined}
                    sx={
                      overdue
                        ? {
                            backgroundColor: theme =>
                              `${theme.palette.error.main}14`,
                          }
                        : undefined
                    }
                  >
                    {canRotate && (
                      <TableCell padding="checkbox">
                        <Checkbox
                          checked={selected.includes(item.tenantId)}
                          onChange={() => toggle(item.tenantId)}
                          inputProps={{
                            'aria-label': `select ${item.tenantId}`,
                          }}
                        />
                      </TableCell>
                    )}
                    <TableCell>
                      <Typography variant="body2" fontWeight="bold">
                        {item.tenantId}
                      </Typography>
                      <Typography variant="caption" color="text.secondary">
                        home {item.homeRegion}
                      </Typography>
                    </TableCell>
                    <TableCell>
                      {item.activeKid ? (
                        <>
                          <Typography
                            variant="body2"
                            sx={{ fontFamily: 'monospace' }}
                          >
                            {item.activeKid}
                          </Typography>
                          <Typography variant="caption" color="text.secondary">
                            {item.algorithm}
                            {item.verifyOnlyKids.length
                              ? ` · ${item.verifyOnlyKids.length} verify-only`
                              : ''}
                          </Typography>
                        </>
                      ) : (
                        '—'
                      )}
                    </TableCell>
                    <TableCell>
                      {item.ageDays === undefined
                        ? '—'
                        : `${item.ageDays} days`}
                    </TableCell>
                    <TableCell>
                      <RotationCell item={item} />
                    </TableCell>
                    <TableCell>
                      <DrillCell item={item} />
                    </TableCell>
                    <TableCell>
                      <ReplicationCell item={item} />
                    </TableCell>
                    {canRotate && (
                      <TableCell>
                        <Button
                          size="small"
                          onClick={() => onRotate([item.tenantId])}
                          aria-label={`rotate ${item.tenantId}`}
                        >
                          Rotate…
                        </Button>
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
          <TablePagination
            component="div"
            count={inventory.value?.totalCount ?? 0}
            page={page}
            onPageChange={(_e, next) => setPage(next)}
            rowsPerPage={pageSize}
            rowsPerPageOptions={[25, 50, 100]}
            onRowsPerPageChange={e => setPageSize(Number(e.target.value))}
          />
        </>
      )}
    </Stack>
  );
}
