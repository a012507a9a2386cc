import useAsync from 'react-use/esm/useAsync';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  DeclaredContainer,
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
import { ResourceChart } from '../ResourceChart';

function requestLimit(container: DeclaredContainer, kind: 'cpu' | 'memory') {
  const value = container.resources?.[kind];
  return value ? `${value.request.text} / ${value.limit.text}` : 'not declared';
}

/**
 * The service's containers with the replicas, triggers, requests and limits its
 * topology document declares, and a chart of requests against limits.
 */
export function DeclaredContainersCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const serviceRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'component', 'relations.partOf': serviceRef },
    });
    return items
      .map(item => ({ entity: item, result: readDeclaredContainer(item) }))
      .sort((a, b) =>
        a.entity.metadata.name.localeCompare(b.entity.metadata.name),
      );
  }, [catalogApi, serviceRef]);

  if (loading) {
    return (
      <InfoCard title="Containers as declared">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <ResponseErrorPanel title="Could not load the containers" error={error} />
    );
  }
  const rows = value ?? [];
  const containers = rows.flatMap(row =>
    row.result.kind === 'container'
      ? [{ entity: row.entity, container: row.result.container }]
      : [],
  );
  if (containers.length === 0) {
    return (
      <InfoCard title="Containers as declared">
        <Typography color="text.secondary">
          No containers yet. The catalog reads the service's topology document
          on its next processing run; if this persists, check the document's
          processing errors.
        </Typography>
      </InfoCard>
    );
  }
  const invalid = rows.filter(row => row.result.kind === 'invalid');

  return (
    <InfoCard
      title="Containers as declared"
      subheader={`${containers.length} containers from the deployment-topology document`}
    >
      <Stack spacing={3}>
        {invalid.length > 0 && (
          <Alert severity="error">
            {invalid.map(row => row.entity.metadata.name).join(', ')}: the
            declared model cannot be read.
          </Alert>
        )}
        <Table size="small" aria-label="containers as declared">
          <TableHead>
            <TableRow>
              <TableCell>Container</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Replicas</TableCell>
              <TableCell>Scales out when</TableCell>
              <TableCell>CPU req / limit</TableCell>
              <TableCell>Memory req / limit</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {containers.map(({ entity: item, container }) => (
              <TableRow key={container.container}>
                <TableCell>
                  <EntityRefLink entityRef={item} hideIcon />
                  {container.problems?.length ? (
                    <Typography
                      variant="caption"
                      color="warning.main"
                      display="block"
                    >
                      {container.problems.length} row problem(s)
                    </Typography>
                  ) : null}
                </TableCell>
                <TableCell>{String(item.spec?.type ?? '')}</TableCell>
                <TableCell>
                  {container.scaling
                    ? `${container.scaling.min}–${container.scaling.max}`
                    : 'not declared'}
                </TableCell>
                <TableCell>
                  {container.scaling
                    ? container.scaling.triggers
                        .map(describeTrigger)
                        .join(' or ')
                    : 'not declared'}
                </TableCell>
                <TableCell>{requestLimit(container, 'cpu')}</TableCell>
                <TableCell>
                  {requestLimit(container, 'memory')}
                  {container.resources?.note && (
                    <Typography
                      variant="caption"
                      color="text.secondary"
                      display="block"
                    >
                      {container.resources.note}
                    </Typography>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <ResourceChart containers={containers.map(c => c.container)} />
      </Stack>
    </InfoCard>
  );
}
