import { useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import {
  SAGA_STATES,
  SagaInstance,
  SagaState,
} from '@internal/backstage-plugin-service-ops-common';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { formatAge, formatDuration } from '../../lib/formatAge';
import { useSaga, useSagaCounts, useSagas } from '../../hooks/useSagas';
import { SagaTimeline } from '../SagaTimeline';

const ALL = '';

const STATE_COLORS: Record<
  SagaState,
  'default' | 'success' | 'warning' | 'error' | 'info'
> = {
  running: 'info',
  stuck: 'warning',
  completed: 'success',
  failed: 'error',
  compensated: 'default',
};

/** A number of seconds in the page's short form: `45s`, `12m`, `3h`. */
function formatSeconds(seconds: number): string {
  return formatDuration(new Date(0).toISOString(), seconds * 1000);
}

function dueText(saga: SagaInstance, now: number): string {
  const next = saga.expectedStep ?? 'next step';
  if (saga.state === 'stuck' && saga.overdueSeconds !== undefined) {
    return `stuck: ${next} overdue by ${formatSeconds(saga.overdueSeconds)}`;
  }
  if (!saga.dueAt) return '—';
  const inSeconds = (Date.parse(saga.dueAt) - now) / 1000;
  return inSeconds > 0
    ? `${next} due in ${formatSeconds(inSeconds)}`
    : `${next} due ${formatAge(saga.dueAt, now)}`;
}

/** The selected saga's steps, loaded on demand. */
function SelectedSaga(props: { id: string; onClose: () => void }) {
  const saga = useSaga(props.id);
  return (
    <Stack spacing={1} component="section" aria-label={`saga ${props.id}`}>
      <Stack direction="row" spacing={2} alignItems="center">
        <Typography variant="h6" component="h3">
          Saga {props.id}
        </Typography>
        <Button size="small" onClick={props.onClose}>
          Close
        </Button>
      </Stack>
      {saga.loading && <Progress />}
      {saga.error && !saga.value && (
        <ResponseErrorPanel
          title="Could not load the saga"
          error={saga.error}
        />
      )}
      {saga.value && <SagaTimeline saga={saga.value.instance} />}
    </Stack>
  );
}

/**
 * The publish sagas: counts by state, a list filtered by state and region, and the
 * step timeline of the saga clicked.
 */
export function SagaPanel(props: { regions: string[]; now: number }) {
  const { now } = props;
  const [state, setState] = useState<SagaState | typeof ALL>(ALL);
  const [region, setRegion] = useState<string>(ALL);
  const [selected, setSelected] = useState<string>();
  const counts = useSagaCounts();
  const countsValue = counts.value;
  const list = useSagas({
    state: state === ALL ? undefined : state,
    region: region === ALL ? undefined : region,
  });
  const regions = [
    ...new Set([
      ...props.regions,
      ...(list.value?.items.flatMap(s => (s.region ? [s.region] : [])) ?? []),
      ...(region === ALL ? [] : [region]),
    ]),
  ].sort();

  return (
    <Stack spacing={2}>
      {countsValue && (
        <Stack
          direction="row"
          spacing={1}
          flexWrap="wrap"
          useFlexGap
          aria-label="sagas by state"
        >
          {SAGA_STATES.map(s => (
            <Chip
              key={s}
              size="small"
              color={STATE_COLORS[s]}
              variant={countsValue.counts[s] > 0 ? 'filled' : 'outlined'}
              label={`${s}: ${countsValue.counts[s]}`}
            />
          ))}
          <Chip
            size="small"
            variant="outlined"
            label={`malformed events: ${countsValue.malformed}`}
          />
        </Stack>
      )}
      {counts.error && !countsValue && (
        <Typography variant="body2" color="error">
          Could not count the sagas: {counts.error.message}
        </Typography>
      )}
      <Stack direction="row" spacing={2}>
        <TextField
          select
          size="small"
          label="State"
          value={state}
          onChange={e => setState(e.target.value as SagaState | typeof ALL)}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          id="saga-state-filter"
        >
          <option value={ALL}>all</option>
          {SAGA_STATES.map(s => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </TextField>
        <TextField
          select
          size="small"
          label="Region"
          value={region}
          onChange={e => setRegion(e.target.value)}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          id="saga-region-filter"
        >
          <option value={ALL}>all</option>
          {regions.map(r => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </TextField>
      </Stack>
      {list.loading && <Progress />}
      {list.error && !list.value && (
        <ResponseErrorPanel
          title="Could not load the sagas"
          error={list.error}
        />
      )}
      {list.value && list.value.items.length === 0 && (
        <Typography variant="body2" color="text.secondary">
          No publish sagas{state === ALL ? '' : ` ${state}`}
          {region === ALL ? '' : ` in ${region}`}.
        </Typography>
      )}
      {list.value && list.value.items.length > 0 && (
        <>
          <Table size="small" aria-label="publish sagas">
            <TableHead>
              <TableRow>
                <TableCell>Saga</TableCell>
                <TableCell>State</TableCell>
                <TableCell>Current step</TableCell>
                <TableCell>Region</TableCell>
                <TableCell>Course</TableCell>
                <TableCell>Age</TableCell>
                <TableCell>Due / stuck</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {list.value.items.map(saga => (
                <TableRow key={saga.id} selected={saga.id === selected}>
                  <TableCell>
                    <Button
                      size="small"
                      onClick={() => setSelected(saga.id)}
                      title={saga.id}
                      aria-label={`show saga ${saga.id}`}
                    >
                      {saga.id.slice(0, 8)}
                    </Button>
                  </TableCell>
                  <TableCell>
                    <Chip
                      size="small"
                      color={STATE_COLORS[saga.state]}
                      label={saga.state}
                    />
                  </TableCell>
                  <TableCell>{saga.currentStep}</TableCell>
                  <TableCell>{saga.region ?? '—'}</TableCell>
                  <TableCell>{saga.courseId ?? '—'}</TableCell>
                  <TableCell>{formatDuration(saga.startedAt, now)}</TableCell>
                  <TableCell>{dueText(saga, now)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          {list.value.totalCount > list.value.items.length && (
            <Typography variant="body2" color="text.secondary">
              The newest {list.value.items.length} of {list.value.totalCount}.
            </Typography>
          )}
        </>
      )}
      {selected && (
        <SelectedSaga id={selected} onClose={() => setSelected(undefined)} />
      )}
    </Stack>
  );
}
