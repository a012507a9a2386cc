import type { CollabDrainNotice } from './types';

/**
 * The collab drain contract on the wire (catalog/authoring-collab-drain.yaml): the
 * subjects, the JSON of requests and replies, and the parsing that turns a request
 * into what a pod acts on, or into a `bad-request` message that names the field.
 */

/** The version token of the subjects. */
export const COLLAB_DRAIN_VERSION = 'v1';

/** `authoring.collab.v1.<region>.<pod>.drain`: a drain notice, request/reply. */
export function collabDrainSubject(region: string, pod: string): string {
  return `authoring.collab.${COLLAB_DRAIN_VERSION}.${region}.${pod}.drain`;
}

/** `authoring.collab.v1.<region>.<pod>.drain-cancel`: withdraws a notice, request/reply. */
export function collabDrainCancelSubject(region: string, pod: string): string {
  return `authoring.collab.${COLLAB_DRAIN_VERSION}.${region}.${pod}.drain-cancel`;
}

/** Why a pod refused a request. */
export type CollabDrainErrorCode = 'bad-request' | 'unknown-pod' | 'not-ready';

export interface CollabDrainError {
  code: CollabDrainErrorCode;
  message: string;
}

/** The payload of `...drain`. */
export interface CollabDrainRequest {
  /** The portal's drain operation; a repeat under the same id is idempotent. */
  operationId: string;
  region: string;
  pod: string;
  /** ISO-8601 date-time with a time zone: when the pod must have no sessions left. */
  deadline: string;
  /** Why, for the clients' notice (may be empty). */
  reason: string;
}

/** The reply of a pod that accepted a notice. */
export interface CollabDrainAccepted {
  pod: string;
  accepted: true;
  /** Sessions the pod holds now; they fall to 0 by the deadline. */
  sessions: number;
  /** The deadline the pod drains by (an earlier one when it was already draining). */
  deadline: string;
}

/** The reply of a pod that refused a notice (or a cancel it could not read). */
export interface CollabDrainRefused {
  pod: string;
  accepted: false;
  error: CollabDrainError;
}

export type CollabDrainReply = CollabDrainAccepted | CollabDrainRefused;

/** The payload of `...drain-cancel`. */
export interface CollabDrainCancelRequest {
  operationId: string;
  pod: string;
}

/** The reply to a cancel: `cancelled` false when the pod was not draining under that operation. */
export interface CollabDrainCancelled {
  pod: string;
  cancelled: boolean;
  sessions: number;
}

/** The reply to a cancel that could not be read (`bad-request`) or whose pod does not exist (`unknown-pod`). */
export interface CollabDrainCancelRefused {
  pod: string;
  cancelled: false;
  accepted: false;
  error: CollabDrainError;
}

export type CollabDrainCancelReply =
  | CollabDrainCancelled
  | CollabDrainCancelRefused;

/** A parsed request, or the problems that make it a bad request. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/** What the subject names: the payload must agree with it. */
export interface CollabDrainAddress {
  region: string;
  pod: string;
}

const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function readObject(data: string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    return {
      ok: false,
      message: `the payload is not JSON: ${(error as Error).message}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'the payload must be a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** Problems with the string fields, in the contract's order, each naming its field. */
function checkStrings(
  body: Record<string, unknown>,
  fields: ReadonlyArray<{ name: string; nonEmpty: boolean }>,
): string[] {
  const problems: string[] = [];
  for (const { name, nonEmpty } of fields) {
    const value = body[name];
    if (value === undefined || value === null) {
      problems.push(`${name} is required`);
    } else if (typeof value !== 'string' || (nonEmpty && !value.trim())) {
      problems.push(
        `${name} must be a ${
          nonEmpty ? 'non-empty ' : ''
        }string, got ${JSON.stringify(value)}`,
      );
    }
  }
  return problems;
}

/** Problems with fields that must say what the subject says. */
function checkAddress(
  body: Record<string, unknown>,
  address: Partial<CollabDrainAddress>,
): string[] {
  return Object.entries(address)
    .filter(
      ([field, expected]) =>
        typeof body[field] === 'string' &&
        body[field] !== '' &&
        body[field] !== expected,
    )
    .map(
      ([field, expected]) =>
        `${field} ${JSON.stringify(
          body[field],
        )} does not match the subject's ${field} ${JSON.stringify(expected)}`,
    );
}

/**
 * Reads the payload of `authoring.collab.v1.<region>.<pod>.drain`: JSON with the five
 * fields of {@link CollabDrainRequest}, `region` and `pod` as in the subject, `deadline`
 * an ISO-8601 date-time with a time zone. Every problem is named in the message.
 */
export function parseCollabDrainRequest(
  data: string,
  address: CollabDrainAddress,
): Parsed<CollabDrainNotice> {
  const read = readObject(data);
  if (!read.ok) return read;
  const body = read.value;
  const problems = checkStrings(body, [
    { name: 'operationId', nonEmpty: true },
    { name: 'region', nonEmpty: true },
    { name: 'pod', nonEmpty: true },
    { name: 'deadline', nonEmpty: true },
    { name: 'reason', nonEmpty: false },
  ]);
  problems.push(...checkAddress(body, address));
  const deadline =
    typeof body.deadline === 'string' && ISO_DATE_TIME.test(body.deadline)
      ? Date.parse(body.deadline)
      : NaN;
  if (
    typeof body.deadline === 'string' &&
    body.deadline.trim() &&
    Number.isNaN(deadline)
  ) {
    problems.push(
      `deadline must be an ISO-8601 date-time with a time zone (such as 2026-11-22T12:05:00Z), got ${JSON.stringify(
        body.deadline,
      )}`,
    );
  }
  if (problems.length) return { ok: false, message: problems.join('; ') };
  return {
    ok: true,
    value: {
      operationId: body.operationId as string,
      pod: address.pod,
      deadline,
      reason: body.reason as string,
    },
  };
}

/**
 * Reads the payload of `authoring.collab.v1.<region>.<pod>.drain-cancel`: JSON with
 * `operationId` and `pod` (as in the subject).
 */
export function parseCollabDrainCancelRequest(
  data: string,
  address: Pick<CollabDrainAddress, 'pod'>,
): Parsed<CollabDrainCancelRequest> {
  const read = readObject(data);
  if (!read.ok) return read;
  const body = read.value;
  const problems = [
    ...checkStrings(body, [
      { name: 'operationId', nonEmpty: true },
      { name: 'pod', nonEmpty: true },
    ]),
    ...checkAddress(body, address),
  ];
  if (problems.length) return { ok: false, message: problems.join('; ') };
  return {
    ok: true,
    value: { operationId: body.operationId as string, pod: address.pod },
  };
}
