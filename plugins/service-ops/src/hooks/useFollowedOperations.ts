import { useCallback, useEffect, useState } from 'react';
import {
  isFinalOperationState,
  Operation,
} from '@internal/backstage-plugin-service-ops-common';

/**
 * The operations a page follows live: each one it saw not final in `operations` and
 * each one it started (`follow`), newest first, kept until the page is left so that
 * their outcome shows once they are final. `activeKey` joins the ids of those not
 * final in `operations`: it changes when one starts or ends.
 */
export function useFollowedOperations(operations: Operation[]): {
  followed: string[];
  follow: (id: string) => void;
  activeKey: string;
} {
  const [followed, setFollowed] = useState<string[]>([]);
  const activeKey = operations
    .filter(o => !isFinalOperationState(o.state))
    .map(o => o.id)
    .join(',');
  useEffect(() => {
    if (!activeKey) return;
    setFollowed(ids => {
      const more = activeKey.split(',').filter(id => !ids.includes(id));
      return more.length ? [...more, ...ids] : ids;
    });
  }, [activeKey]);
  const follow = useCallback(
    (id: string) => setFollowed(ids => (ids.includes(id) ? ids : [id, ...ids])),
    [],
  );
  return { followed, follow, activeKey };
}
