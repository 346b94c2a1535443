/** What to tell the person about a request that failed: a refusal's cause, the server's own words, or that nothing answers. */
import { ApiProblem, ServerUnreachable } from './api.ts';
import type { Phrases } from './messages.ts';

/** An answer that refuses this page (token, origin, host…) rather than saying something about the slot. */
export const isRefusal = (error: ApiProblem): boolean => error.reason !== null || error.status === 401 || error.status === 403;

/** The sentence for a failed request to the server at `base`. */
export function failureMessage(t: Phrases, base: string, error: unknown): string {
  if (error instanceof ApiProblem) return isRefusal(error) ? refused(t, base, error) : error.message;
  return error instanceof ServerUnreachable ? t.unreachable(base) : String((error as Error | undefined)?.message ?? error);
}

/**
 * Why a server refuses this page, from its answer's `details` (issue 13):
 * each cause in its own words, saying what to do; another refusal in the
 * server's own words.
 */
function refused(t: Phrases, base: string, { reason, details, message }: ApiProblem): string {
  switch (reason) {
    case 'origin_not_allowed':
      return t.refusedOrigin(base, typeof details.origin === 'string' ? details.origin : location.origin);
    case 'token_missing':
      return t.refusedTokenMissing(base);
    case 'token_wrong':
      return t.refusedTokenWrong(base);
    case 'host_not_allowed':
      return t.refusedHost(base, new URL(base).host);
    default:
      return t.refused(base, message);
  }
}
