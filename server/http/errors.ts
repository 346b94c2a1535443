/**
 * The error envelope of CONTRACT §2. A bad request throws an ApiError; the
 * app's error handler turns it into `{"error":{code,message,details}}`.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  | 'validation.invalid'
  | 'slot.not_found'
  | 'slot.no_image'
  | 'pull.not_active'
  | 'route.not_found'
  | 'runtime.unavailable'
  | 'auth.required'
  | 'auth.forbidden'
  | 'system.internal';

export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;

  constructor(status: ContentfulStatusCode, code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export function errorResponse(c: Context, error: ApiError): Response {
  return c.json({ error: { code: error.code, message: error.message, details: error.details } }, error.status);
}
