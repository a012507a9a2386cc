import type { DriftFinding } from '@internal/backstage-plugin-service-ops-common';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import ListItemText from '@mui/material/ListItemText';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { describeDrift } from '../../lib/describeDrift';

/** Every difference between the topology document and what the clusters run. */
export function DriftList(props: { drift: DriftFinding[] }) {
  if (props.drift.length === 0) {
    return (
      <Typography color="text.secondary">
        No drift: the clusters run what the topology document declares.
      </Typography>
    );
  }
  return (
    <List dense aria-label="drift" disablePadding>
      {props.drift.map(finding => {
        const text = describeDrift(finding);
        return (
          <ListItem key={`${text}-${finding.kind}`} disableGutters>
            <Stack direction="row" spacing={1} alignItems="center">
              <Chip
                size="small"
                color="warning"
                variant="outlined"
                label={finding.kind}
              />
              <ListItemText primary={text} />
            </Stack>
          </ListItem>
        );
      })}
    </List>
  );
}
