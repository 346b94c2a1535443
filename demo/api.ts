/**
 * The dashboard's own reads: `GET /api/health` and `GET /api/slots`. Pull and
 * cancel go through the elements' requests (elements/api.ts), so a failure
 * reads the same everywhere: an ApiProblem when the server answered with a
 * CONTRACT §2 error, ServerUnreachable when nothing answered.
 */
import { request } from '../elements/api.ts';
import type { PullSnapshot } from '../elements/wire.ts';

/** `GET /api/health`. */
export interface Health {
  readonly ok: boolean;
  readonly runtime: string;
  readonly version: string;
  readonly engines?: Readonly<Record<string, { readonly runtime: string; readonly unavailable: string | null }>>;
}

/** One entry of `GET /api/slots` (the fields the dashboard shows). */
export interface DashboardSlot {
  readonly name: string;
  readonly provider: 'container' | 'external';
  readonly image?: string;
  readonly image_status?: 'present' | 'pulling' | 'missing' | 'unknown';
  readonly container?: string;
  readonly container_status?: 'running' | 'stopped' | 'crashed' | 'absent' | 'unknown';
  readonly container_error?: string | null;
  readonly url?: string | null;
  readonly port?: number | null;
  readonly model?: string | null;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly pull: PullSnapshot | null;
}

/** What the header and the cards are built from: one read of each. */
export interface Overview {
  readonly health: Health;
  readonly slots: readonly DashboardSlot[];
}

/** Health and slots, read together. */
export async function getOverview(base: string, signal: AbortSignal): Promise<Overview> {
  const [health, slots] = await Promise.all([
    request<Health>('GET', base, `${base}/api/health`, signal),
    request<DashboardSlot[]>('GET', base, `${base}/api/slots`, signal),
  ]);
  return { health, slots };
}
