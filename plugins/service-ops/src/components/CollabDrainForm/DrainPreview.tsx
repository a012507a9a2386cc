import type { CollabDrainPreview } from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { formatSeconds } from '../../lib/operationProgress';

/**
 * What a drain would do now, as the backend previews it: the pods in eviction order
 * with their readiness and sessions, the PodDisruptionBudget's allowance, the dry-run
 * eviction, the warnings, the estimated duration and a drain already running.
 */
export function DrainPreview(props: { preview: CollabDrainPreview }) {
  const { preview } = props;
  const budget = preview.disruptionBudget;
  return (
    <Stack spacing={2} component="section" aria-label="drain preview">
      <Typography variant="body1">
        {preview.pods.length} pod(s) of {preview.workload} (namespace{' '}
        {preview.namespace}) in {preview.cluster}: a notice of{' '}
        {formatSeconds(preview.noticeSeconds)}, then one eviction at a time;
        about <strong>{formatSeconds(preview.estimatedSeconds)}</strong> in all.
      </Typography>
      {preview.runningOperationId && (
        <Alert severity="warning">
          <AlertTitle>
            A drain is already running in {preview.cluster}
          </AlertTitle>
          Operation {preview.runningOperationId} is shown above; only one drain
          runs on a target at a time.
        </Alert>
      )}
      <Table size="small" aria-label="pods in eviction order">
        <TableHead>
          <TableRow>
            <TableCell>#</TableCell>
            <TableCell>Pod</TableCell>
            <TableCell>Ready</TableCell>
            <TableCell align="right">Sessions</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {preview.pods.map((pod, i) => (
            <TableRow key={pod.name}>
              <TableCell>{i + 1}</TableCell>
              <TableCell component="th" scope="row">
                {pod.name}
              </TableCell>
              <TableCell sx={pod.ready ? undefined : { color: 'warning.main' }}>
                {pod.ready ? 'yes' : 'no'}
              </TableCell>
              <TableCell align="right">{pod.sessions ?? 'unknown'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Stack spacing={1}>
        <Typography variant="body2">
          {budget
            ? `PodDisruptionBudget ${budget.name} allows ${budget.disruptionsAllowed} disruption(s) now.`
            : 'No PodDisruptionBudget covers these pods.'}
        </Typography>
        {preview.dryRun.allowed ? (
          <Alert severity="success" variant="outlined">
            Dry-run eviction of {preview.pods[0]?.name}: allowed.
          </Alert>
        ) : (
          <Alert severity="warning" variant="outlined">
            Dry-run eviction refused
            {preview.dryRun.message ? `: ${preview.dryRun.message}` : ''}. A
            drain waits and retries while the budget allows no disruption.
          </Alert>
        )}
        {preview.warnings.length > 0 && (
          <Alert severity="warning">
            <AlertTitle>Before you drain</AlertTitle>
            <ul style={{ margin: 0, paddingLeft: '1.25rem' }}>
              {preview.warnings.map(warning => (
                <li key={warning}>{warning}</li>
              ))}
            </ul>
          </Alert>
        )}
      </Stack>
    </Stack>
  );
}
