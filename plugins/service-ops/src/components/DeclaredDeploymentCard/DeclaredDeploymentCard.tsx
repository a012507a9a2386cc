import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DeclaredResources,
  DeclaredScaling,
  describeQuantity,
  describeTrigger,
  readDeclaredContainer,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import { SourceLink } from '../SourceLink';

function Scaling({ scaling }: { scaling: DeclaredScaling }) {
  return (
    <Stack spacing={1}>
      <Typography variant="subtitle2">Scaling</Typography>
      <Typography>
        {scaling.min} to {scaling.max} replicas, scaling out when{' '}
        {scaling.triggers.length > 1 ? 'any of' : ''}
      </Typography>
      <Stack component="ul" spacing={0.5} sx={{ m: 0, pl: 3 }}>
        {scaling.triggers.map(trigger => (
          <li key={`${trigger.metric}-${trigger.threshold}`}>
            <Stack direction="row" spacing={1} alignItems="center">
              <Typography>{describeTrigger(trigger)}</Typography>
              {trigger.note && (
                <Typography variant="body2" color="text.secondary">
                  ({trigger.note})
                </Typography>
              )}
            </Stack>
          </li>
        ))}
      </Stack>
      <SourceLink source={scaling.source} />
    </Stack>
  );
}

function Resources({ resources }: { resources: DeclaredResources }) {
  return (
    <Stack spacing={1}>
      <Typography variant="subtitle2">Requests and limits</Typography>
      <Table size="small" aria-label="declared requests and limits">
        <TableHead>
          <TableRow>
            <TableCell />
            <TableCell>Request</TableCell>
            <TableCell>Limit</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {(
            [
              ['CPU', 'cpu'],
              ['Memory', 'memory'],
            ] as const
          ).map(([label, kind]) => (
            <TableRow key={kind}>
              <TableCell component="th" scope="row">
                {label}
              </TableCell>
              <TableCell>
                {describeQuantity(resources[kind].request, kind)}
              </TableCell>
              <TableCell>
                {describeQuantity(resources[kind].limit, kind)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {resources.note && (
        <Typography variant="body2" color="text.secondary">
          Note: {resources.note}
        </Typography>
      )}
      <SourceLink source={resources.source} />
    </Stack>
  );
}

/**
 * The scaling and resources that the service's deployment-topology document declares
 * for this container.
 */
export function DeclaredDeploymentCard() {
  const { entity } = useEntity();
  const result = readDeclaredContainer(entity);
  if (result.kind === 'none') return null;
  if (result.kind === 'invalid') {
    return (
      <InfoCard title="Declared deployment">
        <Alert severity="error">
          This entity's declared model cannot be read: {result.message}
        </Alert>
      </InfoCard>
    );
  }
  const { container } = result;
  return (
    <InfoCard
      title="Declared deployment"
      subheader={`As the topology document of ${container.service.replace(
        /^component:(default\/)?/,
        '',
      )} declares it`}
    >
      <Stack spacing={3}>
        {container.problems?.length ? (
          <Alert severity="warning">
            Some rows of the document could not be read:
            <ul>
              {container.problems.map(problem => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </Alert>
        ) : null}
        {container.scaling ? (
          <Scaling scaling={container.scaling} />
        ) : (
          <Typography color="text.secondary">
            The topology document declares no scaling for {container.container}.
          </Typography>
        )}
        {container.resources ? (
          <Resources resources={container.resources} />
        ) : (
          <Typography color="text.secondary">
            The topology document declares no requests or limits for{' '}
            {container.container}.
          </Typography>
        )}
      </Stack>
    </InfoCard>
  );
}
