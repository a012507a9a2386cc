import { z } from 'zod';
import { PoisonRecord } from './DatabaseBacklogStore';

/** The JetStream advisories of messages a consumer gave up on. */
export const POISON_ADVISORIES = {
  'max-deliveries': '$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.>',
  terminated: '$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.>',
} as const;

const advisory = z.object({
  timestamp: z.iso.datetime({ offset: true }),
  stream: z.string().min(1),
  consumer: z.string().min(1),
  stream_seq: z.number().int().nonnegative(),
  deliveries: z.number().int().nonnegative(),
  reason: z.string().optional(),
});

function kindOf(subject: string): PoisonRecord['kind'] | undefined {
  if (subject.startsWith('$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.'))
    return 'max-deliveries';
  if (subject.startsWith('$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.'))
    return 'terminated';
  return undefined;
}

/**
 * Reads a MAX_DELIVERIES or MSG_TERMINATED advisory (`io.nats.jetstream.advisory.v1.max_deliver`
 * / `.terminated`); `undefined` for any other subject or a body without stream, consumer,
 * stream sequence, deliveries and timestamp.
 */
export function decodeAdvisory(message: {
  subject: string;
  data: string;
}): PoisonRecord | undefined {
  const kind = kindOf(message.subject);
  if (!kind) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(message.data);
  } catch {
    return undefined;
  }
  const parsed = advisory.safeParse(body);
  if (!parsed.success) return undefined;
  const { timestamp, stream, consumer, stream_seq, deliveries, reason } =
    parsed.data;
  return {
    kind,
    stream,
    consumer,
    streamSeq: stream_seq,
    deliveries,
    at: Date.parse(timestamp),
    ...(reason ? { reason } : {}),
  };
}
