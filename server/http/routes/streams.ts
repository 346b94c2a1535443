/** The two SSE channels of docs/api.md, Server-Sent Events: one slot, or many. */
import { Hono, type Context } from 'hono';
import type { ContainerSlot } from '../../core/slot.ts';
import { lastEventId } from '../../core/sse/frame.ts';
import { createSnapshotStream } from '../../core/sse/snapshot-stream.ts';
import { ApiError, clip } from '../errors.ts';
import { MAX_STREAM_SLOTS, UntilQuery } from '../schemas.ts';
import { findContainerSlot } from '../slot-lookup.ts';
import type { Services } from '../services.ts';

const SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'X-Accel-Buffering': 'no',
} as const;

export function streamRoutes(services: Services): Hono {
  const { slots } = services;
  const routes = new Hono();

  routes.get('/slots/:name/pull/stream', (c) => respond(c, services, [findContainerSlot(slots, c.req.param('name'))]));

  routes.get('/events', (c) => {
    const requested = c.req.query('slots');
    if (requested === undefined) {
      return respond(c, services, [...slots.values()].filter((slot): slot is ContainerSlot => slot.provider === 'container'));
    }
    const listed = requested.split(',').map((name) => name.trim()).filter((name) => name !== '');
    if (listed.length > MAX_STREAM_SLOTS) {
      throw new ApiError(
        400,
        'validation.invalid',
        `slots= lists ${listed.length} names; one stream follows at most ${MAX_STREAM_SLOTS}: leave slots= out to follow every slot.`,
        { field: 'slots', limit: MAX_STREAM_SLOTS },
      );
    }
    const names = new Set(listed);
    if (names.size === 0) {
      throw new ApiError(400, 'validation.invalid', 'slots= names no slot; list names like slots=chat,code or leave it out for all.', {
        field: 'slots',
      });
    }
    return respond(c, services, [...names].map((name) => findContainerSlot(slots, name)));
  });

  return routes;
}

function respond(c: Context, services: Services, chosen: ContainerSlot[]): Response {
  const until = c.req.query('until');
  if (!UntilQuery.safeParse(until).success) {
    throw new ApiError(400, 'validation.invalid', `until="${clip(until ?? '')}" is not understood; use until=done or leave it out.`, {
      field: 'until',
    });
  }
  const stream = createSnapshotStream({
    slots: chosen,
    feed: services.feed,
    streams: services.openStreams,
    untilDone: until === 'done',
    lastId: lastEventId(c.req.header('Last-Event-ID')),
  });
  return new Response(stream, { headers: SSE_HEADERS });
}
