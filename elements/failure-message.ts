/** What to tell the person about a request that failed: a refusal's cause, the server's own words, or that nothing answers. */
import { ApiProblem, ServerUnreachable } from './api.ts';
import * as messages from './messages.ts';

/** An answer that refuses this page (token, origin, host…) rather than saying something about the slot. */
export const isRefusal = (error: ApiProblem): boolean => error.reason !== null || error.status === 401 || error.status === 403;

/** The sentence for a failed request to the server at `base`. */
export function failureMessage(base: string, error: unknown): string {
  if (error instanceof ApiProblem) return isRefusal(error) ? messages.refused(base, error.reason, error.details, error.message) : error.message;
  return error instanceof ServerUnreachable ? messages.unreachable(base) : String((error as Error | undefined)?.message ?? error);
}
