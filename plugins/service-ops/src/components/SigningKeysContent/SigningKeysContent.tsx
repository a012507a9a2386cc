import { useEffect, useState } from 'react';
import { InfoCard } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  isFinalOperationState,
  KeyRotationParameters,
  Operation,
  OperationKind,
  serviceOpsKeyRotationApprovePermission,
  serviceOpsKeyRotationPermission,
} from '@internal/backstage-plugin-service-ops-common';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Stack from '@mui/material/Stack';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import { useFollowedOperations } from '../../hooks/useFollowedOperations';
import { useEntityOperations } from '../../hooks/useOperations';
import { formatAge } from '../../lib/formatAge';
import { operationWording } from '../../lib/operationWording';
import { KeyInventoryTable } from '../KeyInventoryTable';
import { IDLE_TICK_MS, useNow } from '../LiveOperation';
import { LiveOperationsCard } from '../LiveOperationsCard';
import { OperationHistoryCard } from '../OperationHistoryCard';
import { actorName, OperationStateChip } from '../OperationProgress';
import { RotateKeysDialog } from '../RotateKeysDialog';

/** The operations of the Signing keys tab. */
const ROTATION_KINDS: readonly OperationKind[] = ['key-rotation'];

/** Whether the user holds a permission on the entity; undefined while it is checked. */
function useAllowed(
  permission: typeof serviceOpsKeyRotationPermission,
  resourceRef: string,
): { allowed?: boolean; error?: Error } {
  const result = usePermission({ permission, resourceRef });
  if (result.loading) return {};
  // When the check itself fails, the backend still decides.
  return { allowed: result.allowed || !!result.error, error: result.error };
}

function RotationHistory(props: { operations: Operation[]; now: number }) {
  const { operations, now } = props;
  return (
    <Table size="small" aria-label="key rotations">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>What</TableCell>
          <TableCell>Asked by</TableCell>
          <TableCell>Approved by</TableCell>
          <TableCell>State</TableCell>
          <TableCell>Outcome</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {operations.map(operation => (
          <TableRow key={operation.id}>
            <TableCell>{formatAge(operation.createdAt, now)}</TableCell>
            <TableCell>
              {operationWording(operation).title(operation)}
            </TableCell>
            <TableCell>{actorName(operation.actor)}</TableCell>
            <TableCell>
              {(operation.approval?.approvals ?? [])
                .map(a => actorName(a.by))
                .join(', ') || '—'}
            </TableCell>
            <TableCell>
              <OperationStateChip operation={operation} />
            </TableCell>
            <TableCell>{operation.error ?? operation.reason}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The Signing keys tab of the signing container (content-bundler): every tenant's
 * signing key (active kid and age, the annual rotation, the quarter's drill,
 * replication per region) with search and filters, rotation of one tenant or a bulk
 * list (emergency or drill, approved by a second person), the rotations' live progress
 * and their history.
 */
export function SigningKeysContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const rotate = useAllowed(serviceOpsKeyRotationPermission, entityRef);
  const approve = useAllowed(serviceOpsKeyRotationApprovePermission, entityRef);
  const history = useEntityOperations(entityRef);
  const now = useNow(IDLE_TICK_MS);
  const [dialogTenants, setDialogTenants] = useState<string[]>();
  const [keysChanged, setKeysChanged] = useState(0);
  const rotations = (history.value?.items ?? []).filter(o =>
    ROTATION_KINDS.includes(o.kind),
  );
  const { followed, follow } = useFollowedOperations(rotations);
  // A rotation that ends changes keys: read the inventory again.
  const finishedKey = rotations
    .filter(o => isFinalOperationState(o.state))
    .map(o => o.id)
    .join(',');
  useEffect(() => setKeysChanged(n => n + 1), [finishedKey]);

  const tenantsInFlight = new Set(
    rotations
      .filter(o => !isFinalOperationState(o.state))
      .flatMap(o => (o.parameters as KeyRotationParameters).tenants ?? []),
  );

  return (
    <Stack spacing={3}>
      {rotate.allowed === false && (
        <Alert severity="info">
          <AlertTitle>You may not rotate signing keys</AlertTitle>
          Rotating needs {serviceOpsKeyRotationPermission.name} on {entityRef},
          which the portal gives to its owners and the platform on-call group.
          You can still see every tenant's keys and follow the rotations.
        </Alert>
      )}
      {rotate.error && (
        <Alert severity="warning">
          <AlertTitle>Could not check your permission to rotate</AlertTitle>
          {rotate.error.message}; the backend checks it when you ask.
        </Alert>
      )}
      <LiveOperationsCard
        title="Rotations"
        subheader="Asked for or running while this page is open, kept live"
        entityRef={entityRef}
        ids={followed}
        noun="rotation"
        canCancel={() => rotate.allowed !== false}
        canApprove={() => approve.allowed === true}
        onChanged={history.refresh}
      />
      <InfoCard
        title="Signing keys per tenant"
        subheader="content-service's HSM-backed bundle-signing keys: kid rotated annually, emergency rotation drilled quarterly, each key replicated to every region's JWKS"
      >
        {tenantsInFlight.size > 0 && (
          <Alert severity="info" sx={{ mb: 2 }}>
            A rotation is under way for{' '}
            {[...tenantsInFlight].slice(0, 5).join(', ')}
            {tenantsInFlight.size > 5
              ? ` and ${tenantsInFlight.size - 5} more`
              : ''}
            .
          </Alert>
        )}
        <KeyInventoryTable
          entityRef={entityRef}
          canRotate={rotate.allowed !== false}
          refreshKey={keysChanged}
          onRotate={setDialogTenants}
        />
      </InfoCard>
      <OperationHistoryCard
        title="History"
        subheader="Key rotations asked for in the portal, newest first"
        history={history}
        now={now}
        noun="rotations"
        kinds={ROTATION_KINDS}
        emptyText="No key rotation has been asked for from the portal yet."
      >
        {operations => <RotationHistory operations={operations} now={now} />}
      </OperationHistoryCard>
      <RotateKeysDialog
        open={!!dialogTenants}
        entityRef={entityRef}
        tenants={dialogTenants ?? []}
        onClose={() => setDialogTenants(undefined)}
        onStarted={operation => {
          setDialogTenants(undefined);
          follow(operation.id);
          history.refresh();
        }}
      />
    </Stack>
  );
}
