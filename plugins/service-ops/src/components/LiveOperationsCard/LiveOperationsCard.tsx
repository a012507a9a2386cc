import { InfoCard } from '@backstage/core-components';
import Stack from '@mui/material/Stack';
import { LiveOperation } from '../LiveOperation';

/**
 * The card of the operations a page follows (`useFollowedOperations`), each kept live
 * with its approvals and Cancel; nothing while it follows none.
 */
export function LiveOperationsCard(props: {
  title: string;
  subheader: string;
  entityRef: string;
  ids: string[];
  /** What one is called while it loads: `operation` unless told. */
  noun?: string;
  /** Whether the user may cancel the operation `id`. */
  canCancel: (id: string) => boolean;
  /** Whether the user holds the permission approving the operation `id` needs. */
  canApprove?: (id: string) => boolean;
  /** One of them changed (the page fetches what depends on it again). */
  onChanged: () => void;
}) {
  const { entityRef, ids, noun, canCancel, canApprove, onChanged } = props;
  if (ids.length === 0) return null;
  return (
    <InfoCard title={props.title} subheader={props.subheader}>
      <Stack spacing={4}>
        {ids.map(id => (
          <LiveOperation
            key={id}
            entityRef={entityRef}
            id={id}
            noun={noun}
            canCancel={canCancel(id)}
            canApprove={canApprove?.(id)}
            onChanged={onChanged}
          />
        ))}
      </Stack>
    </InfoCard>
  );
}
