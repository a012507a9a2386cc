import { ReactNode } from 'react';
import { InfoCard } from '@backstage/core-components';
import type {
  Operation,
  OperationKind,
  OperationList,
} from '@internal/backstage-plugin-service-ops-common';
import Typography from '@mui/material/Typography';
import type { RefetchedState } from '../../hooks/useRefetched';
import { OperationHistory } from '../OperationHistory';
import { RefetchedContent } from '../RefetchedContent';

/**
 * The card of an entity's operations, newest first (`useEntityOperations`): a progress
 * bar while they load, the backend's error without a list, the last list under a
 * warning when a refetch failed, `emptyText` when there is none, else the
 * operations history (or the table `children` renders).
 */
export function OperationHistoryCard(props: {
  title: string;
  subheader: string;
  history: Pick<RefetchedState<OperationList>, 'value' | 'error' | 'loading'>;
  now: number;
  /** Shown when there is none. */
  emptyText: string;
  /** What the list is of, in its errors: `operations` unless told (`rotations`). */
  noun?: string;
  /** Only the operations of these kinds. */
  kinds?: readonly OperationKind[];
  /** Adds a column with each operation's kind (promote, abort, …). */
  showKind?: boolean;
  /** A table of its own for the (non-empty) operations. */
  children?: (operations: Operation[]) => ReactNode;
}) {
  const { history, now, emptyText, noun = 'operations', kinds } = props;
  return (
    <InfoCard title={props.title} subheader={props.subheader}>
      <RefetchedContent
        state={history}
        loadingLabel="loading the history"
        errorTitle={`Could not load the ${noun}`}
        staleTitle={`Could not refresh the ${noun}; showing the last list`}
      >
        {list => {
          const operations = kinds
            ? list.items.filter(o => kinds.includes(o.kind))
            : list.items;
          if (operations.length === 0) {
            return (
              <Typography variant="body2" color="text.secondary">
                {emptyText}
              </Typography>
            );
          }
          if (props.children) return props.children(operations);
          return (
            <OperationHistory
              operations={operations}
              totalCount={kinds ? operations.length : list.totalCount}
              now={now}
              showKind={props.showKind}
            />
          );
        }}
      </RefetchedContent>
    </InfoCard>
  );
}
