import { ReactNode } from 'react';
import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import type {
  OperationStep,
  OperationStepStatus,
} from '@internal/backstage-plugin-service-ops-common';
import Box from '@mui/material/Box';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import { formatSeconds } from '../../lib/operationProgress';
import { StepSeriesChart } from './StepSeriesChart';

const STATUS_ICONS: Record<
  OperationStepStatus,
  (props: { children?: ReactNode }) => JSX.Element
> = {
  pending: StatusPending,
  running: StatusRunning,
  succeeded: StatusOK,
  failed: StatusError,
  skipped: StatusAborted,
};

/** The status icon of a step, with its status in words beside it. */
export function StepStatus(props: { status: OperationStepStatus }) {
  const Icon = STATUS_ICONS[props.status];
  return <Icon>{props.status}</Icon>;
}

function timing(step: OperationStep, now: number): string | undefined {
  if (!step.startedAt) return undefined;
  const started = Date.parse(step.startedAt);
  const end = step.finishedAt ? Date.parse(step.finishedAt) : now;
  const took = formatSeconds((end - started) / 1000);
  const at = new Date(started).toLocaleTimeString();
  return step.finishedAt ? `${at}, took ${took}` : `${at}, for ${took}`;
}

/** An operation's steps in order, each with its status, detail and timing. */
export function OperationSteps(props: {
  steps: OperationStep[];
  label: string;
  now: number;
}) {
  return (
    <List dense aria-label={props.label}>
      {props.steps.map(step => {
        const when = timing(step, props.now);
        return (
          <ListItem
            key={step.id}
            divider
            sx={{ alignItems: 'baseline', gap: 2 }}
          >
            <Box sx={{ flex: '0 0 8rem' }}>
              <StepStatus status={step.status} />
            </Box>
            <Box sx={{ flex: 1, minWidth: 0 }}>
              <ListItemText
                sx={{ m: 0 }}
                primary={step.title}
                secondary={
                  [step.detail, when].filter(Boolean).join(' · ') || undefined
                }
              />
              {step.series && <StepSeriesChart series={step.series} />}
            </Box>
          </ListItem>
        );
      })}
    </List>
  );
}
