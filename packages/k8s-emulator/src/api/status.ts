/** A Kubernetes `Status` object, the body of every error the API server returns. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: Array<{ message: string; field?: string }>;
  };
  code: number;
}

const REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Expired',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
};

/** An error that the server turns into a `Status` response. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason: string = REASONS[code] ?? 'Unknown',
    readonly details?: Status['details'],
  ) {
    super(message);
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export const notFound = (kind: string, name: string) =>
  new ApiError(404, `${kind} "${name}" not found`, 'NotFound', { name, kind });

export const alreadyExists = (kind: string, name: string) =>
  new ApiError(409, `${kind} "${name}" already exists`, 'AlreadyExists', {
    name,
    kind,
  });

export const conflict = (kind: string, name: string, message: string) =>
  new ApiError(
    409,
    `Operation cannot be fulfilled on ${kind} "${name}": ${message}`,
    'Conflict',
    { name, kind },
  );

export const invalid = (
  kind: string,
  name: string,
  causes: Array<{ field: string; message: string }>,
) =>
  new ApiError(
    422,
    `${kind} "${name}" is invalid: ${causes
      .map(c => `${c.field}: ${c.message}`)
      .join(', ')}`,
    'Invalid',
    { name, kind, causes },
  );
