import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Typography from '@mui/material/Typography';
import type { SagaInstanceDetail } from '@internal/backstage-plugin-service-ops-common';

function formatDateTime(iso: string): string {
  return new Date(iso).toLocaleString();
}

/** A saga's steps in the order of their time, each with its stream and sequence. */
export function SagaTimeline(props: { saga: SagaInstanceDetail }) {
  const { saga } = props;
  const steps = [...saga.steps].sort(
    (a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt),
  );
  return (
    <>
      <List aria-label={`steps of saga ${saga.id}`} dense>
        {steps.map(step => (
          <ListItem key={`${step.stream}/${step.seq}`} divider>
            <ListItemText
              primary={`${formatDateTime(step.occurredAt)} — ${step.step}`}
              secondary={`${step.stream} #${step.seq} · ${step.subject}${
                step.reason ? ` · ${step.reason}` : ''
              }`}
            />
          </ListItem>
        ))}
      </List>
      {saga.expectedStep && (
        <Typography variant="body2" color="text.secondary">
          Next: {saga.expectedStep}
          {saga.dueAt ? `, due ${formatDateTime(saga.dueAt)}` : ''}
          {saga.overdueSeconds !== undefined
            ? ` (overdue by ${Math.round(saga.overdueSeconds / 60)} min)`
            : ''}
        </Typography>
      )}
      {saga.failureReason && (
        <Typography variant="body2" color="error">
          Failed: {saga.failureReason}
        </Typography>
      )}
    </>
  );
}
