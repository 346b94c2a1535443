/**
 * The error envelope of docs/api.md, Errors. A bad request throws an ApiError; the
 * app's error handler turns it into `{"error":{code,message,details}}`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../../wire/types.ts';
import type { ApiErrorCode } from '../../wire/values.ts';

/** Longest piece of a request quoted back in a message; a 10 kB name is not worth echoing. */
export const MAX_ECHO_LENGTH = 64;

/** `text` cut to `max` characters, with `…` when something was cut: for quoting request input in messages and logs. */
export function clip(text: string, max: number = MAX_ECHO_LENGTH): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ApiErrorCode;
  readonly details: Record<string, unknown>;
  /** Headers the answer carries besides the envelope's (e.g. `Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: ContentfulStatusCode,
    code: ApiErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

/** The envelope's JSON; with a request id, `details.request_id` names it (the log line of the refusal carries it too). */
export function errorEnvelope(error: ApiError, requestId?: string): ErrorBody {
  const details = requestId === undefined ? error.details : { ...error.details, request_id: requestId };
  return { error: { code: error.code, message: error.message, details } };
}

/** The envelope as an answer; a 5xx also names its request id (see request-id.ts), which the server log carries too. */
export function errorResponse(c: Context, error: ApiError): Response {
  const requestId = c.get('requestId');
  const named = error.status >= 500 && typeof requestId === 'string' ? requestId : undefined;
  return c.json(errorEnvelope(error, named), error.status, { ...error.headers });
}
