import { z } from 'zod';
import {
  SagaStepName,
  sagaStepOfSubject,
} from '@internal/backstage-plugin-service-ops-common';

/** A saga event as the projection uses it. */
export interface SagaEvent {
  /** `publishId`, the correlation id. */
  instanceId: string;
  step: SagaStepName;
  subject: string;
  /** Epoch ms of `occurredAt`. */
  occurredAt: number;
  eventId?: string;
  /** `homeRegion`. */
  region?: string;
  tenantId?: string;
  courseId: string;
  courseVersion?: string;
  draftId?: string;
  playPackageId?: string;
  reason?: string;
}

export type DecodedSagaEvent =
  | { kind: 'event'; event: SagaEvent }
  | { kind: 'malformed'; reason: string };

const id = (what: string) =>
  z
    .string({ error: `${what} is missing` })
    .min(1, `${what} is empty`)
    .max(255, `${what} is longer than 255 characters`);
const optionalText = z.string().min(1).max(255).optional();

const payload = z.object({
  publishId: id("publishId (the saga's correlation id)"),
  occurredAt: z.iso.datetime({
    offset: true,
    error: 'occurredAt is missing or not an ISO 8601 time',
  }),
  courseId: id('courseId'),
  eventId: optionalText,
  tenantId: optionalText,
  courseVersion: optionalText,
  homeRegion: optionalText,
  draftId: optionalText,
  playPackageId: optionalText,
  reason: z.string().max(2000).optional(),
});

const draftPublished = payload.extend({ draftId: id('draftId') });

function parseJson(
  data: string,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    return { ok: true, value: JSON.parse(data) };
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
}

/**
 * Reads a message on a saga subject (docs/publish-saga.md). Malformed when the subject is
 * not one of the saga's, the body is not a JSON object, or `publishId`, `occurredAt`,
 * `courseId` (and `draftId` for the draft) are missing or wrong; the reason says which.
 */
export function decodeSagaEvent(message: {
  subject: string;
  data: string;
}): DecodedSagaEvent {
  const step = sagaStepOfSubject(message.subject);
  if (!step)
    return {
      kind: 'malformed',
      reason: `subject ${message.subject} is not a publish-saga subject`,
    };
  const json = parseJson(message.data);
  if (!json.ok) return { kind: 'malformed', reason: json.reason };
  if (
    typeof json.value !== 'object' ||
    json.value === null ||
    Array.isArray(json.value)
  )
    return { kind: 'malformed', reason: 'the payload is not a JSON object' };
  const parsed = (
    step === 'draft-published' ? draftPublished : payload
  ).safeParse(json.value);
  if (!parsed.success)
    return {
      kind: 'malformed',
      reason: parsed.error.issues.map(issue => issue.message).join('; '),
    };
  const { publishId, occurredAt, homeRegion, ...fields } = parsed.data;
  return {
    kind: 'event',
    event: {
      instanceId: publishId,
      step,
      subject: message.subject,
      occurredAt: Date.parse(occurredAt),
      ...(homeRegion ? { region: homeRegion } : {}),
      ...fields,
    },
  };
}
