import { useMemo, useState } from 'react';
import { ResponseErrorPanel } from '@backstage/core-components';
import type {
  EntitySnapshot,
  LivePod,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import FormControl from '@mui/material/FormControl';
import FormControlLabel from '@mui/material/FormControlLabel';
import FormGroup from '@mui/material/FormGroup';
import FormHelperText from '@mui/material/FormHelperText';
import FormLabel from '@mui/material/FormLabel';
import LinearProgress from '@mui/material/LinearProgress';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import ToggleButton from '@mui/material/ToggleButton';
import ToggleButtonGroup from '@mui/material/ToggleButtonGroup';
import Typography from '@mui/material/Typography';
import { CollabDrainTarget } from '../../api';
import { useDrainPreview } from '../../hooks/useDrainPreview';
import { ConfirmDrainDialog } from '../ConfirmDrainDialog';
import { DrainPreview } from './DrainPreview';

const MAX_NOTICE_SECONDS = 3600;

/** The notice typed, as seconds; undefined when empty (the backend's default). */
function parseNotice(text: string): { seconds?: number; valid: boolean } {
  const trimmed = text.trim();
  if (trimmed === '') return { valid: true };
  if (!/^\d+$/.test(trimmed)) return { valid: false };
  const seconds = Number(trimmed);
  return { seconds, valid: seconds <= MAX_NOTICE_SECONDS };
}

/** The container's pods in a cluster that a drain can take (not terminating). */
function podsIn(
  snapshot: EntitySnapshot | undefined,
  container: string,
  cluster: string | undefined,
): LivePod[] {
  if (!snapshot || !cluster) return [];
  const region = snapshot.containers
    .find(c => c.container === container)
    ?.regions.find(r => r.cluster === cluster);
  return (region?.pods ?? []).filter(p => !p.terminating);
}

/**
 * The Drain collab pods action: choose the region, optionally the pods and the notice;
 * the backend's preview of what the drain would do; then the confirmation dialog.
 */
export function CollabDrainForm(props: {
  entityRef: string;
  /** The entity's `metadata.name`, typed to confirm. */
  entityName: string;
  /** The drained container (the entity's kubernetes-id). */
  container: string;
  snapshot?: EntitySnapshot;
  /** Whether the user may start a drain; `undefined` while that is being checked. */
  allowed?: boolean;
  /** Changes when a drain starts or ends, so the preview is asked for again. */
  refreshKey: string;
  onStarted: (operation: Operation) => void;
}) {
  const { entityRef, entityName, container, snapshot, allowed } = props;
  const [cluster, setCluster] = useState<string>();
  // undefined: every pod of the region; otherwise the pods ticked.
  const [chosen, setChosen] = useState<string[]>();
  const [noticeText, setNoticeText] = useState('');
  const [dialog, setDialog] = useState({ open: false, openings: 0 });

  const pods = podsIn(snapshot, container, cluster);
  const podNames = pods.map(p => p.name);
  // Pods replaced since they were ticked are no longer offered nor sent.
  const ticked = chosen?.filter(name => podNames.includes(name));
  const notice = parseNotice(noticeText);

  const podsKey = ticked?.join(',');
  const target = useMemo<CollabDrainTarget | undefined>(
    () =>
      cluster && notice.valid && (podsKey === undefined || podsKey !== '')
        ? {
            entityRef,
            cluster,
            ...(podsKey !== undefined ? { pods: podsKey.split(',') } : {}),
            ...(notice.seconds !== undefined
              ? { noticeSeconds: notice.seconds }
              : {}),
          }
        : undefined,
    [entityRef, cluster, podsKey, notice.valid, notice.seconds],
  );
  const preview = useDrainPreview(target, props.refreshKey);

  const toggle = (name: string) => {
    const current = ticked ?? podNames;
    const next = current.includes(name)
      ? current.filter(n => n !== name)
      : [...current, name];
    setChosen(next.length === podNames.length ? undefined : next);
  };

  let blocked: string | undefined;
  if (allowed === false) blocked = 'You may not drain this container.';
  else if (!cluster) blocked = 'Choose a region.';
  else if (ticked?.length === 0) blocked = 'Choose at least one pod.';
  else if (!notice.valid)
    blocked = `The notice must be 0 to ${MAX_NOTICE_SECONDS} seconds.`;
  else if (preview.value?.runningOperationId)
    blocked = `A drain is already running in ${cluster}.`;
  else if (preview.value && preview.value.pods.length === 0)
    blocked = `No pod to drain in ${cluster}.`;
  else if (preview.loading) blocked = 'Waiting for the preview.';
  else if (!preview.value) blocked = 'No preview: see the error above.';

  const clusters = snapshot?.clusters ?? [];
  const deployedIn = (name: string) =>
    !!snapshot?.containers
      .find(c => c.container === container)
      ?.regions.find(r => r.cluster === name)?.workload;

  return (
    <Stack spacing={3}>
      <FormControl component="fieldset">
        <FormLabel component="legend">Region</FormLabel>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={cluster ?? null}
          onChange={(_event, value: string | null) => {
            if (!value) return;
            setCluster(value);
            setChosen(undefined);
          }}
          aria-label="region to drain"
          sx={{ mt: 1 }}
        >
          {clusters.map(c => (
            <ToggleButton
              key={c.name}
              value={c.name}
              disabled={!deployedIn(c.name)}
            >
              {c.name}
              {c.status === 'live' ? '' : ` (${c.status})`}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
        {clusters.length > 0 && clusters.every(c => !deployedIn(c.name)) && (
          <FormHelperText>
            {container} runs in no region the backend reads.
          </FormHelperText>
        )}
      </FormControl>

      {cluster && (
        <FormControl component="fieldset">
          <FormLabel component="legend">
            Pods in {cluster} ({ticked?.length ?? pods.length} of {pods.length}{' '}
            chosen)
          </FormLabel>
          <FormGroup row>
            {pods.map(pod => (
              <FormControlLabel
                key={pod.name}
                control={
                  <Checkbox
                    checked={(ticked ?? podNames).includes(pod.name)}
                    onChange={() => toggle(pod.name)}
                  />
                }
                label={pod.ready ? pod.name : `${pod.name} (not Ready)`}
              />
            ))}
          </FormGroup>
          <FormHelperText>
            All pods by default; untick the pods to keep.
          </FormHelperText>
        </FormControl>
      )}

      {cluster && (
        <TextField
          label="Notice (seconds)"
          value={noticeText}
          onChange={e => setNoticeText(e.target.value)}
          placeholder={
            preview.value && noticeText === ''
              ? String(preview.value.noticeSeconds)
              : undefined
          }
          error={!notice.valid}
          helperText={
            notice.valid
              ? `How long clients get to move before the first eviction${
                  preview.value && noticeText === ''
                    ? `; empty: the default, ${preview.value.noticeSeconds} s`
                    : ''
                }`
              : `A whole number of seconds from 0 to ${MAX_NOTICE_SECONDS}`
          }
          inputProps={{ inputMode: 'numeric' }}
          sx={{ maxWidth: '24rem' }}
        />
      )}

      {preview.loading && <LinearProgress aria-label="loading the preview" />}
      {preview.error && (
        <ResponseErrorPanel
          title="Could not preview the drain"
          error={preview.error}
        />
      )}
      {preview.value && <DrainPreview preview={preview.value} />}

      {cluster && (
        <Stack direction="row" spacing={2} alignItems="center">
          <Button
            variant="contained"
            color="error"
            disabled={!!blocked || allowed === undefined}
            onClick={() =>
              setDialog(d => ({ open: true, openings: d.openings + 1 }))
            }
          >
            Drain {preview.value ? `${preview.value.pods.length} pod(s)` : ''}{' '}
            in {cluster}…
          </Button>
          {blocked && (
            <Typography variant="body2" color="text.secondary">
              {blocked}
            </Typography>
          )}
        </Stack>
      )}
      {!cluster && (
        <Alert severity="info" variant="outlined">
          Choose the region whose collab pods to drain; the preview shows what
          the drain would do before anything happens.
        </Alert>
      )}

      {target && preview.value && (
        <ConfirmDrainDialog
          key={dialog.openings}
          open={dialog.open}
          targetName={entityName}
          target={target}
          preview={preview.value}
          onClose={() => setDialog(d => ({ ...d, open: false }))}
          onStarted={operation => {
            setDialog(d => ({ ...d, open: false }));
            props.onStarted(operation);
          }}
        />
      )}
    </Stack>
  );
}
