/**
 * The one-shot requests (GET slot, POST pull, DELETE pull). A failure is an
 * error the Task renders: an ApiProblem when the server answered (its code and
 * its own sentence), ServerUnreachable when no answer came at all.
 */
import { slotUrl } from './base-url.ts';
import type { ErrorBody, PullAnswer, PullSnapshot, SlotInfo } from '../wire/types.ts';

/** The server answered with a CONTRACT §2 error. */
export class ApiProblem extends Error {
  declare readonly status: number;
  declare readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
  }
}

/** No answer: network down, server stopped, or its origin not allowed (CORS). */
export class ServerUnreachable extends Error {
  declare readonly base: string;
  constructor(base: string, cause: unknown) {
    super(`no answer from the slotpull server at ${base}`, { cause });
    this.name = 'ServerUnreachable';
    this.base = base;
  }
}

/** One JSON request; a CONTRACT §2 error becomes an ApiProblem, no answer a ServerUnreachable. */
export async function request<T>(method: 'GET' | 'POST' | 'DELETE', base: string, url: string, signal: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { method, signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ServerUnreachable(base, error);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const problem = (body as Partial<ErrorBody> | null)?.error;
    throw new ApiProblem(
      response.status,
      typeof problem?.code === 'string' ? problem.code : `http.${response.status}`,
      typeof problem?.message === 'string' ? problem.message : `the server answered HTTP ${response.status}`,
    );
  }
  return body as T;
}

export const getSlot = (base: string, slot: string, signal: AbortSignal): Promise<SlotInfo> =>
  request('GET', base, slotUrl(base, slot), signal);

export const startPull = (base: string, slot: string, signal: AbortSignal): Promise<PullAnswer> =>
  request('POST', base, slotUrl(base, slot, '/pull'), signal);

export const cancelPull = (base: string, slot: string, signal: AbortSignal): Promise<PullSnapshot> =>
  request('DELETE', base, slotUrl(base, slot, '/pull'), signal);
