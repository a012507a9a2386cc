import type {
  EntityRollout,
  RolloutAction,
  RolloutProgressState,
  RolloutRegionView,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Step from '@mui/material/Step';
import StepLabel from '@mui/material/StepLabel';
import Stepper from '@mui/material/Stepper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import { formatAge } from '../../lib/formatAge';

/** The buttons of a region, in the order shown. */
export const ROLLOUT_ACTION_LABELS: Record<RolloutAction, string> = {
  promote: 'Promote',
  'promote-full': 'Promote fully',
  abort: 'Abort',
  retry: 'Retry',
};

const STATE_COLORS: Record<
  RolloutProgressState,
  'default' | 'info' | 'warning' | 'success' | 'error'
> = {
  completed: 'success',
  paused: 'warning',
  progressing: 'info',
  aborted: 'error',
  degraded: 'error',
};

/** Whether the user may take each action (undefined while it is checked). */
export type RolloutPermissions = Record<RolloutAction, boolean | undefined>;

function StepLadder(props: { region: RolloutRegionView }) {
  const { region } = props;
  if (region.strategy === 'blueGreen') {
    const switched = region.state === 'completed';
    return (
      <Stepper
        activeStep={switched ? 2 : 1}
        alternativeLabel
        aria-label={`blue/green of ${region.cluster}`}
      >
        <Step completed>
          <StepLabel>preview up</StepLabel>
        </Step>
        <Step completed={switched}>
          <StepLabel>
            {switched ? 'switched' : 'switch active → preview'}
          </StepLabel>
        </Step>
      </Stepper>
    );
  }
  return (
    <Stepper
      activeStep={region.stepIndex ?? 0}
      alternativeLabel
      aria-label={`steps of ${region.cluster}`}
    >
      {region.steps.map(step => (
        <Step
          key={step.index}
          completed={step.status === 'done'}
          aria-current={step.status === 'current' ? 'step' : undefined}
        >
          <StepLabel
            error={step.status === 'current' && region.state === 'degraded'}
          >
            {step.title}
          </StepLabel>
        </Step>
      ))}
    </Stepper>
  );
}

function analysisText(region: RolloutRegionView): string {
  if (region.analysis.runs.length > 0)
    return `Analysis: ${region.analysis.runs
      .map(r => `${r.name} ${r.status}${r.message ? ` (${r.message})` : ''}`)
      .join('; ')}`;
  if (region.analysis.declared) return 'Analysis: no run reported yet';
  return 'Analysis: none in this strategy (no AnalysisTemplate); pod health and restarts gate the actions';
}

function RegionRollout(props: {
  region: RolloutRegionView;
  now: number;
  permissions: RolloutPermissions;
  onAction: (action: RolloutAction, clusters: string[]) => void;
}) {
  const { region, now, permissions, onAction } = props;
  const blueGreen = region.strategy === 'blueGreen';
  return (
    <Box
      component="section"
      aria-label={`rollout in ${region.cluster}`}
      sx={{ border: 1, borderColor: 'divider', borderRadius: 1, p: 2 }}
    >
      <Stack spacing={1.5}>
        <Stack
          direction="row"
          spacing={1}
          alignItems="center"
          flexWrap="wrap"
          useFlexGap
        >
          <Typography variant="h6" component="h3">
            {region.cluster}
          </Typography>
          <Chip
            size="small"
            label={region.state}
            color={STATE_COLORS[region.state]}
          />
          {region.weight !== undefined && !blueGreen && (
            <Typography variant="body2">
              canary weight <strong>{region.weight}%</strong>
            </Typography>
          )}
          {region.stepIndex !== undefined && region.stepCount !== undefined && (
            <Typography variant="body2" color="text.secondary">
              step {region.stepIndex} of {region.stepCount}
            </Typography>
          )}
          {region.paused && (
            <Typography variant="body2" color="text.secondary">
              paused{region.pauseReason ? `: ${region.pauseReason}` : ''}
              {region.pausedSince
                ? ` since ${new Date(
                    region.pausedSince,
                  ).toLocaleTimeString()} (${formatAge(
                    region.pausedSince,
                    now,
                  )})`
                : ''}
            </Typography>
          )}
        </Stack>
        {region.message && region.message !== region.pauseReason && (
          <Typography variant="body2">{region.message}</Typography>
        )}
        <StepLadder region={region} />
        <Table size="small" aria-label={`replica sets in ${region.cluster}`}>
          <TableHead>
            <TableRow>
              <TableCell>ReplicaSet</TableCell>
              <TableCell>Pod hash</TableCell>
              <TableCell align="right">Ready</TableCell>
              <TableCell align="right">Restarts</TableCell>
              <TableCell align="right">CPU of request</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {region.groups.map(group => (
              <TableRow key={group.hash}>
                <TableCell>{group.role}</TableCell>
                <TableCell>
                  <code>{group.hash}</code>
                </TableCell>
                <TableCell align="right">
                  {group.ready}/{group.pods}
                  {group.terminating ? ` (+${group.terminating} ending)` : ''}
                </TableCell>
                <TableCell align="right">{group.restarts}</TableCell>
                <TableCell align="right">
                  {group.cpuOfRequest === undefined
                    ? '–'
                    : `${group.cpuOfRequest}%`}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {region.signals.slice(region.groups.length).map(signal => (
          <Alert key={signal} severity="warning" variant="outlined">
            {signal}
          </Alert>
        ))}
        <Typography variant="body2" color="text.secondary">
          {analysisText(region)}
          {region.hpa
            ? ` · Autoscaler: ${region.hpa.current} → ${
                region.hpa.desired
              } replicas; ${region.hpa.metrics.join(', ')}`
            : ''}
        </Typography>
        <Stack direction="row" spacing={1} flexWrap="wrap" useFlexGap>
          {(Object.keys(ROLLOUT_ACTION_LABELS) as RolloutAction[]).map(
            action => {
              const availability = region.actions[action];
              const mayNot = permissions[action] === false;
              const reason = mayNot
                ? 'You do not have the permission for this action'
                : availability.reason;
              const button = (
                <span>
                  <Button
                    size="small"
                    variant={action === 'abort' ? 'contained' : 'outlined'}
                    color={action === 'abort' ? 'error' : 'primary'}
                    disabled={!availability.allowed || mayNot}
                    onClick={() => onAction(action, [region.cluster])}
                    aria-label={`${ROLLOUT_ACTION_LABELS[action]} in ${region.cluster}`}
                  >
                    {ROLLOUT_ACTION_LABELS[action]}
                  </Button>
                </span>
              );
              return reason ? (
                <Tooltip key={action} title={reason}>
                  {button}
                </Tooltip>
              ) : (
                <Box key={action} component="span">
                  {button}
                </Box>
              );
            },
          )}
        </Stack>
      </Stack>
    </Box>
  );
}

/** What a wave can do to the picked regions, in turn, and its button's label. */
const WAVE_ACTIONS: Array<[RolloutAction, string]> = [
  ['promote', 'Promote wave'],
  ['promote-full', 'Promote wave fully'],
  ['retry', 'Retry all picked'],
  ['abort', 'Abort all picked'],
];

/** A wave's regions in the order the operator picked them. */
function WavePicker(props: {
  rollout: EntityRollout;
  wave: string[];
  onChange: (wave: string[]) => void;
  permissions: RolloutPermissions;
  onAction: (action: RolloutAction, clusters: string[]) => void;
}) {
  const { rollout, wave, onChange, permissions, onAction } = props;
  const toggle = (cluster: string) =>
    onChange(
      wave.includes(cluster)
        ? wave.filter(c => c !== cluster)
        : [...wave, cluster],
    );
  const selected = rollout.regions.filter(r => wave.includes(r.cluster));
  const can = (action: RolloutAction) =>
    wave.length > 1 &&
    permissions[action] !== false &&
    selected.every(r => r.actions[action].allowed);
  return (
    <Box component="section" aria-label="release wave">
      <Typography variant="subtitle1" component="h3">
        Release wave
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
        Pick the regions in the order the wave takes them; each one is promoted
        (fully, or retried) only once the one before reached its step healthy,
        and the wave stops at the first region that degrades. Abort acts on all
        at once.
      </Typography>
      <Stack
        direction="row"
        spacing={1}
        alignItems="center"
        flexWrap="wrap"
        useFlexGap
      >
        {rollout.regions.map(r => {
          const position = wave.indexOf(r.cluster);
          return (
            <Chip
              key={r.cluster}
              label={
                position >= 0 ? `${position + 1}. ${r.cluster}` : r.cluster
              }
              color={position >= 0 ? 'primary' : 'default'}
              variant={position >= 0 ? 'filled' : 'outlined'}
              onClick={() => toggle(r.cluster)}
              aria-pressed={position >= 0}
              aria-label={`${position >= 0 ? 'remove' : 'add'} ${r.cluster} ${
                position >= 0 ? 'from' : 'to'
              } the wave`}
            />
          );
        })}
        <Typography variant="body2" sx={{ ml: 1 }}>
          {wave.length ? wave.join(' → ') : 'no region picked'}
        </Typography>
        <Box sx={{ flexGrow: 1 }} />
        {WAVE_ACTIONS.map(([action, label]) => (
          <Button
            key={action}
            size="small"
            variant="outlined"
            color={action === 'abort' ? 'error' : 'primary'}
            disabled={!can(action)}
            onClick={() => onAction(action, wave)}
          >
            {label}
          </Button>
        ))}
      </Stack>
    </Box>
  );
}

/**
 * The canary card: a container's Argo rollout in each region (the step ladder with the
 * current step, the weight, stable and canary or active and preview pods, the pause and
 * since when, analysis, canary against stable), a button per action that makes sense
 * now, and a release wave over regions in a picked order.
 */
export function RolloutCard(props: {
  rollout: EntityRollout;
  now: number;
  permissions: RolloutPermissions;
  wave: string[];
  onWaveChange: (wave: string[]) => void;
  onAction: (action: RolloutAction, clusters: string[]) => void;
}) {
  const { rollout, now, permissions, wave, onWaveChange, onAction } = props;
  if (rollout.regions.length === 0) {
    return (
      <Alert severity="info">
        {rollout.container} runs no Argo rollout in any region
        {rollout.missing.length
          ? `: ${rollout.missing.map(m => m.reason).join('; ')}`
          : ''}
        .
      </Alert>
    );
  }
  return (
    <Stack spacing={2}>
      {rollout.regions.length > 1 && (
        <WavePicker
          rollout={rollout}
          wave={wave}
          onChange={onWaveChange}
          permissions={permissions}
          onAction={onAction}
        />
      )}
      {rollout.regions.map(region => (
        <RegionRollout
          key={region.cluster}
          region={region}
          now={now}
          permissions={permissions}
          onAction={onAction}
        />
      ))}
      {rollout.missing.map(m => (
        <Alert key={m.cluster} severity="warning">
          {m.reason}
        </Alert>
      ))}
    </Stack>
  );
}
