/** The slot and pull routes of docs/api.md (JSON answers). */
import { Hono } from 'hono';
import { ApiError } from '../errors.ts';
import { findContainerSlot, findSlot } from '../slot-lookup.ts';
import type { Services } from '../services.ts';

export function slotRoutes({ slots, targetFor, views, feed }: Services): Hono {
  const routes = new Hono();

  routes.get('/slots', async (c) => c.json(await Promise.all([...slots.values()].map((slot) => views.view(slot)))));

  routes.get('/slots/:name', async (c) => c.json(await views.view(findSlot(slots, c.req.param('name')))));

  routes.post('/slots/:name/pull', async (c) => {
    const slot = findContainerSlot(slots, c.req.param('name'));
    const { registry, runtime } = targetFor(slot);
    const down = runtime.unavailable?.() ?? null;
    if (down !== null) throw new ApiError(503, 'runtime.unavailable', `Cannot pull for slot "${slot.name}": ${down}`, { name: slot.name });
    // No await before start(): concurrent POSTs must find this job registered.
    const { resumed } = registry.start(slot.image);
    return c.json({ resumed, ...(await feed.frame(slot)).snapshot }, 202);
  });

  routes.delete('/slots/:name/pull', async (c) => {
    const slot = findContainerSlot(slots, c.req.param('name'));
    if (targetFor(slot).registry.cancel(slot.image) === undefined) {
      throw new ApiError(409, 'pull.not_active', `No pull is running for slot "${slot.name}"; there is nothing to cancel.`, {
        name: slot.name,
      });
    }
    return c.json((await feed.frame(slot)).snapshot);
  });

  routes.get('/slots/:name/pull/status', async (c) => c.json((await feed.frame(findContainerSlot(slots, c.req.param('name')))).snapshot));

  return routes;
}
