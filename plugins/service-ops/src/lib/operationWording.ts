import type {
  Operation,
  OperationKind,
} from '@internal/backstage-plugin-service-ops-common';

/** How the page speaks of one kind of operation. */
export interface OperationWording {
  /** `drain`, `promote`: "Cancel drain", "steps of promote …". */
  noun: string;
  /** The heading of one operation: "Drain of 3 pod(s) in eu". */
  title(operation: Operation): string;
  succeeded: string;
  /** After the operation's error. */
  failed: string;
  /** After "Cancelled by …: ". */
  cancelled: string;
  /** What a cancel does, in the cancel dialog. */
  cancelExplains: string;
  /** While it is cancelling, after "Cancelling (asked by …): ". */
  cancelling: string;
  /** The label of the button that keeps it running. */
  keepGoing: string;
}

const regions = (operation: Operation) =>
  operation.cluster.split(',').join(' → ');

const ROLLOUT_CANCEL =
  'No further region is acted on. A region whose patch was sent stays where the rollout controller takes it: promote or abort it on its own.';

function rollout(
  noun: string,
  verb: string,
  succeeded: string,
): OperationWording {
  return {
    noun,
    title: operation =>
      `${verb} ${operation.entityRef.replace(/^.*\//, '')} in ${regions(
        operation,
      )}`,
    succeeded,
    failed:
      'Regions acted on before the failure keep their new state; the others were not touched.',
    cancelled: 'no further region was acted on.',
    cancelExplains: ROLLOUT_CANCEL,
    cancelling: 'no further region is acted on.',
    keepGoing: `Keep the ${noun} going`,
  };
}

/** `Emergency rotation of acme-learning`, `Drill of 12 tenants`. */
function rotationTitle(operation: Operation): string {
  const { parameters } = operation;
  const tenants = 'tenants' in parameters ? parameters.tenants : [];
  const what = tenants.length === 1 ? tenants[0] : `${tenants.length} tenants`;
  const drill = 'tenants' in parameters && parameters.mode === 'drill';
  return `${drill ? 'Drill' : 'Emergency rotation'} of ${what}`;
}

const WORDING: Partial<Record<OperationKind, OperationWording>> = {
  'collab-drain': {
    noun: 'drain',
    title: operation =>
      `Drain of ${
        operation.steps.filter(s => s.id.startsWith('evict:')).length
      } pod(s) in ${operation.cluster}`,
    succeeded: 'Every pod was replaced and the sessions reconnected.',
    failed:
      'Pods evicted before the failure stay replaced; the others keep running and were told the drain is off.',
    cancelled:
      'no further pod was evicted; the notified pods were told the drain is off.',
    cancelExplains:
      'No further pod is evicted. The pods not evicted yet are told the drain is off, so their clients stay. Pods already evicted are not brought back: their replacements keep running, and a pod being evicted now still gets its replacement.',
    cancelling:
      'no further pod is evicted; the notified pods are being told the drain is off.',
    keepGoing: 'Keep draining',
  },
  'rollout-promote': rollout(
    'promote',
    'Promote',
    'Every region reached its next step healthy.',
  ),
  'rollout-promote-full': rollout(
    'full promote',
    'Promote fully',
    'Every region runs the new version as stable.',
  ),
  'rollout-abort': rollout(
    'abort',
    'Abort',
    'Every region is back on its stable version at 100%.',
  ),
  'rollout-retry': rollout(
    'retry',
    'Retry',
    'Every region runs the rollout again and waits at its first pause.',
  ),
  'key-rotation': {
    noun: 'rotation',
    title: rotationTitle,
    succeeded:
      "Every region's JWKS has the new key, it signs, and the rotated event was published.",
    failed: '',
    cancelled: 'see each step for what it left.',
    cancelExplains:
      'Tenants not started are left alone. A tenant whose new key is not active yet has that key revoked, and its old key keeps signing. A tenant whose new key already signs is finished (the old key retired and the event published), so no tenant is left between two keys.',
    cancelling:
      'tenants not started are left alone; a new key not active yet is revoked, one that already signs is finished.',
    keepGoing: 'Keep rotating',
  },
};

/** The wording of an operation's kind (a neutral one for kinds without their own). */
export function operationWording(operation: Operation): OperationWording {
  return (
    WORDING[operation.kind] ?? {
      noun: 'operation',
      title: o => `${o.kind} in ${o.cluster}`,
      succeeded: 'It succeeded.',
      failed: '',
      cancelled: 'it stopped.',
      cancelExplains: 'The operation stops where it is safe to stop.',
      cancelling: 'it stops where it is safe to stop.',
      keepGoing: 'Keep it running',
    }
  );
}
