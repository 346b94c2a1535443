/**
 * The dashboard's own reads: `GET /api/health` and `GET /api/slots`. Pull and
 * cancel go through the elements' requests (elements/api.ts), so a failure
 * reads the same everywhere: an ApiProblem when the server answered with a
 * an error envelope (docs/api.md, Errors), ServerUnreachable when nothing answered.
 */
import { request } from '../elements/api.ts';
import type { Health, SlotInfo } from '../wire/types.ts';

/** What the header and the cards are built from: one read of each. */
export interface Overview {
  readonly health: Health;
  readonly slots: readonly SlotInfo[];
}

/** Health and slots, read together. */
export async function getOverview(base: string, signal: AbortSignal): Promise<Overview> {
  const [health, slots] = await Promise.all([
    request<Health>('GET', base, `${base}/api/health`, signal),
    request<SlotInfo[]>('GET', base, `${base}/api/slots`, signal),
  ]);
  return { health, slots };
}
