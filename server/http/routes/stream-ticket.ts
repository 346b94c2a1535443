/**
 * `POST /api/stream-ticket`: a short-lived credential for opening an event
 * stream (`?ticket=`), for a page that holds the token but must not put it
 * in a URL. It takes what any POST takes (the token, when the server has
 * one); stream-ticket.ts makes and checks the tickets.
 */
import { Hono } from 'hono';
import type { StreamTicket } from '../../../wire/types.ts';
import type { StreamTickets } from '../stream-ticket.ts';

export const STREAM_TICKET_PATH = '/stream-ticket';

export function streamTicketRoutes(tickets: StreamTickets): Hono {
  const routes = new Hono();
  routes.post(STREAM_TICKET_PATH, async (c) => c.json((await tickets.issue()) satisfies StreamTicket, 200, { 'Cache-Control': 'no-store' }));
  return routes;
}
