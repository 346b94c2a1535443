/**
 * The one-shot requests (GET slot, POST/DELETE pull, a stream ticket, the
 * slot's last completed pull), sent with what configureServer() gave for
 * their server: the token in
 * `Authorization`, and cookies when asked. A failure is an error the Task
 * renders: an ApiProblem when the server answered (its code, its reason and
 * its own sentence), ServerUnreachable when no answer came at all.
 *
 * A page cannot read an answer that CORS hides, and fetch() then fails as if
 * nothing had answered. One `no-cors` request tells the two apart: it
 * succeeds when the server is there (its answer opaque), so a hidden answer
 * becomes the refusal it almost always is, an origin the server does not
 * allow (`origin_not_allowed`), and only a real silence is ServerUnreachable.
 */
import { slotUrl } from './base-url.ts';
import { optionsFor, tokenOf } from './hub/server-options.ts';
import type { ErrorBody, PullAnswer, PullHistoryEntry, PullHistoryPage, PullSnapshot, SlotInfo, StreamTicket } from '../wire/types.ts';

/** The server answered with an error envelope (docs/api.md, Errors). */
export class ApiProblem extends Error {
  declare readonly status: number;
  declare readonly code: string;
  /** `details` of the answer: `reason` names an auth refusal's cause (AUTH_REFUSAL_REASONS). */
  declare readonly details: Readonly<Record<string, unknown>>;
  constructor(status: number, code: string, message: string, details: Readonly<Record<string, unknown>> = {}) {
    super(message);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Why the server refused, when it refused on access (token, origin, host); else null. */
  get reason(): string | null {
    return typeof this.details.reason === 'string' ? this.details.reason : null;
  }
}

/** No answer: network down, server stopped, nothing listening. */
export class ServerUnreachable extends Error {
  declare readonly base: string;
  constructor(base: string, cause: unknown) {
    super(`no answer from the slotpull server at ${base}`, { cause });
    this.name = 'ServerUnreachable';
    this.base = base;
  }
}

type Method = 'GET' | 'POST' | 'DELETE';

/**
 * Sends one request; resolves with a 2xx answer, else throws an ApiProblem or
 * a ServerUnreachable. `authorize: false` leaves the token out (a stream URL
 * carries its ticket, and a request with no extra header needs no preflight).
 */
export async function send(method: Method, base: string, url: string, signal: AbortSignal, authorize = true): Promise<Response> {
  const options = optionsFor(base);
  const headers: Record<string, string> = { accept: 'application/json' };
  let token: string | null = null;
  try {
    if (authorize) token = await tokenOf(options);
  } catch (error) {
    // The page's own getToken() failed: say so, where a refusal would be shown.
    throw new ApiProblem(0, 'client.get_token', `getToken() given to configureServer() failed: ${(error as Error | undefined)?.message ?? error}`);
  }
  if (token !== null) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { method, signal, headers, credentials: options?.credentials ?? 'same-origin' });
  } catch (error) {
    if (signal.aborted) throw error;
    throw await unanswered(base, error, signal);
  }
  if (response.ok) return response;
  const body: unknown = await response.json().catch(() => null);
  const problem = (body as Partial<ErrorBody> | null)?.error;
  throw new ApiProblem(
    response.status,
    typeof problem?.code === 'string' ? problem.code : `http.${response.status}`,
    typeof problem?.message === 'string' ? problem.message : `the server answered HTTP ${response.status}`,
    typeof problem?.details === 'object' && problem.details !== null ? problem.details : {},
  );
}

/** One JSON request; an error envelope (docs/api.md, Errors) becomes an ApiProblem, no answer a ServerUnreachable. */
export async function request<T>(method: Method, base: string, url: string, signal: AbortSignal): Promise<T> {
  return (await (await send(method, base, url, signal)).json()) as T;
}

/** Why a request failed without an answer: a server that answered unreadably (CORS), or none. */
async function unanswered(base: string, cause: unknown, signal: AbortSignal): Promise<ApiProblem | ServerUnreachable> {
  try {
    await fetch(`${base}/api/health`, { mode: 'no-cors', credentials: 'omit', signal });
  } catch {
    // The probe failed too: nothing answers there (or the page is leaving).
    return new ServerUnreachable(base, cause);
  }
  return new ApiProblem(0, 'auth.forbidden', `the server's answer is hidden from pages of ${location.origin} (CORS)`, {
    reason: 'origin_not_allowed',
    origin: location.origin,
  });
}

export const getSlot = (base: string, slot: string, signal: AbortSignal): Promise<SlotInfo> =>
  request('GET', base, slotUrl(base, slot), signal);

export const startPull = (base: string, slot: string, signal: AbortSignal): Promise<PullAnswer> =>
  request('POST', base, slotUrl(base, slot, '/pull'), signal);

export const cancelPull = (base: string, slot: string, signal: AbortSignal): Promise<PullSnapshot> =>
  request('DELETE', base, slotUrl(base, slot, '/pull'), signal);

/** A short-lived credential for opening the event stream (the token never goes into a URL). */
export const streamTicket = (base: string, signal: AbortSignal): Promise<StreamTicket> =>
  request('POST', base, `${base}/api/stream-ticket`, signal);

/** The slot's last completed pull from the history, or null when it has none. */
export const getLastPull = async (base: string, slot: string, signal: AbortSignal): Promise<PullHistoryEntry | null> =>
  (await request<PullHistoryPage>('GET', base, `${base}/api/pulls?slot=${encodeURIComponent(slot)}&state=completed&limit=1`, signal)).jobs[0] ?? null;
