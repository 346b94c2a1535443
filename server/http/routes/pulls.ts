/** `GET /api/pulls`: the pull history, newest first, a page at a time. */
import { Hono } from 'hono';
import { HistoryQueryError, type HistoryQuery } from '../../core/history/query.ts';
import { ApiError, clip } from '../errors.ts';
import { PullsQuery } from '../schemas.ts';
import type { Services } from '../services.ts';

/** Longer than any job id slotpull makes: a `before=` this long cannot name one. */
const MAX_JOB_ID_LENGTH = 128;

export function pullRoutes({ history }: Services): Hono {
  const routes = new Hono();

  routes.get('/pulls', (c) => {
    const query: HistoryQuery = {};
    const slot = c.req.query('slot');
    if (slot !== undefined) {
      if (!PullsQuery.slot.safeParse(slot).success) invalid('slot', `slot="${clip(slot)}" is not a slot name; leave it out for every slot.`);
      query.slot = slot;
    }
    const state = c.req.query('state');
    if (state !== undefined) {
      const parsed = PullsQuery.state.safeParse(state);
      if (!parsed.success || parsed.data === undefined) {
        invalid('state', `state="${clip(state)}" is not a job state; use pulling, completed, failed or cancelled, or leave it out.`);
      }
      query.state = parsed.data;
    }
    const limit = c.req.query('limit');
    if (limit !== undefined) {
      if (!PullsQuery.limit.safeParse(limit).success) invalid('limit', `limit="${clip(limit)}" is not a whole number of pulls.`);
      query.limit = Number(limit);
    }
    const before = c.req.query('before');
    if (before !== undefined) {
      if (before.length > MAX_JOB_ID_LENGTH) invalid('before', `before="${clip(before)}" is not a job id; pass a page's next_before.`);
      query.before = before;
    }
    try {
      return c.json(history.page(query));
    } catch (error) {
      if (error instanceof HistoryQueryError) invalid(error.field, `${error.message}.`);
      throw error;
    }
  });

  return routes;
}

function invalid(field: string, message: string): never {
  throw new ApiError(400, 'validation.invalid', message, { field });
}
