import { ResponseError } from '@backstage/errors';

/**
 * The words to show for a failed call: the backend's own message for an answer it
 * sent (`{ error: { message } }`, e.g. "a collab-drain is already running …"), the
 * error's message otherwise (a network failure).
 */
export function backendMessage(error: Error): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  return error.message;
}

/** Whether the backend answered at all: a `ResponseError` did, a fetch failure did not. */
export function isAnswered(error: Error): error is ResponseError {
  return error instanceof ResponseError;
}
