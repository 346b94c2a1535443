/** Stream tickets (issue 13): short-lived, stateless, signed; taken by the two SSE routes only, to open a stream. */
import { describe, expect, it, vi } from 'vitest';
import { STREAM_TICKET_TTL_S, streamTickets } from '../../server/http/stream-ticket.ts';
import { StreamTicketSchema } from '../../server/http/schemas.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { useFakeClock } from '../helpers/clock.ts';
import { expectError } from '../helpers/envelope.ts';
import { readSse } from '../helpers/sse-client.ts';

const TOKEN = 's3cret';
const BEARER = { Authorization: `Bearer ${TOKEN}` };

describe('streamTickets', () => {
  it('issues tickets that are valid until their expiry second has passed, then expired', async () => {
    let now = 1_700_000_000_000;
    const tickets = streamTickets({ now: () => now });
    const { ticket, expires_in_s } = await tickets.issue();
    expect(expires_in_s).toBe(STREAM_TICKET_TTL_S);
    expect(ticket).toMatch(/^v1\.1700000060\.[A-Za-z0-9_-]{43}$/);
    expect(await tickets.check(ticket)).toBe('valid');
    now += STREAM_TICKET_TTL_S * 1000 + 999;
    expect(await tickets.check(ticket)).toBe('valid');
    now += 1;
    expect(await tickets.check(ticket)).toBe('expired');
  });

  it('refuses a ticket of another process (another key), a changed expiry or signature, and garbage', async () => {
    const now = () => 1_700_000_000_000;
    const tickets = streamTickets({ now });
    const { ticket } = await tickets.issue();
    expect(await streamTickets({ now }).check(ticket)).toBe('invalid');
    const [version, expiry, signature] = ticket.split('.') as [string, string, string];
    expect(await tickets.check(`${version}.${Number(expiry) + 3600}.${signature}`)).toBe('invalid');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await tickets.check(`${version}.${expiry}.${flipped}`)).toBe('invalid');
    for (const garbage of ['', 'v1', 'v1..', `v2.${expiry}.${signature}`, `${ticket}x`, TOKEN, `v1.-1.${signature}`, 'x'.repeat(10_000)]) {
      expect(await tickets.check(garbage)).toBe('invalid');
    }
  });

  it('refuses a lifetime that is not a positive whole number of seconds', () => {
    for (const ttlS of [0, -1, 1.5, Number.NaN]) expect(() => streamTickets({ now: Date.now, ttlS })).toThrow(/'ttlS' must be a positive integer/);
  });
});

describe('POST /api/stream-ticket and ?ticket=', () => {
  let app: TestApp;
  const http = useTestApp((built) => ({ app } = built));
  const protectedApp = () => http.start({ options: { access: { token: TOKEN, protectReads: true } } });

  const mint = async (): Promise<string> => {
    const response = await app.request('/api/stream-ticket', { method: 'POST', headers: BEARER });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    return StreamTicketSchema.parse(await response.json()).ticket;
  };

  it('needs the token to mint, like any POST (401 token_missing, 403 token_wrong)', async () => {
    protectedApp();
    expect((await expectError(await app.request('/api/stream-ticket', { method: 'POST' }), 401, 'auth.required')).details).toEqual({ reason: 'token_missing' });
    const wrong = await app.request('/api/stream-ticket', { method: 'POST', headers: { Authorization: 'Bearer nope' } });
    expect((await expectError(wrong, 403, 'auth.forbidden')).details).toEqual({ reason: 'token_wrong' });
  });

  it('opens both event streams with a ticket, and nothing else', async () => {
    protectedApp();
    const ticket = await mint();
    for (const path of ['/api/events', '/api/slots/chat/pull/stream']) {
      const sse = readSse(await app.request(`${path}?ticket=${ticket}`));
      expect(JSON.parse((await sse.next()).data)).toMatchObject({ slot_name: 'chat' });
      await sse.close();
    }
    for (const path of ['/api/slots', '/api/slots/chat', '/api/health']) {
      expect((await expectError(await app.request(`${path}?ticket=${ticket}`), 401, 'auth.required')).details).toEqual({ reason: 'token_missing' });
    }
    const post = await app.request(`/api/slots/chat/pull?ticket=${ticket}`, { method: 'POST' });
    expect((await expectError(post, 401, 'auth.required')).details).toEqual({ reason: 'token_missing' });
  });

  it('refuses an expired ticket (401 ticket_expired) and a forged one (403 ticket_invalid)', async () => {
    useFakeClock();
    protectedApp();
    const ticket = await mint();
    await vi.advanceTimersByTimeAsync((STREAM_TICKET_TTL_S + 1) * 1000);
    const expired = await expectError(await app.request(`/api/events?ticket=${ticket}`), 401, 'auth.required');
    expect(expired.details).toEqual({ reason: 'ticket_expired' });
    expect(expired.message).toContain('POST /api/stream-ticket');
    const forged = await expectError(await app.request(`/api/events?ticket=v1.9999999999.${'A'.repeat(43)}`), 403, 'auth.forbidden');
    expect(forged.details).toEqual({ reason: 'ticket_invalid' });
  });

  it('a bearer token or ?access_token= still open a stream, and a wrong one is not rescued by a ticket', async () => {
    protectedApp();
    const ticket = await mint();
    const sse = readSse(await app.request(`/api/events?access_token=${TOKEN}`));
    await sse.next();
    await sse.close();
    const wrong = await app.request(`/api/events?access_token=nope&ticket=${ticket}`);
    expect((await expectError(wrong, 403, 'auth.forbidden')).details).toEqual({ reason: 'token_wrong' });
  });

  it('answers a ticket without a token too (reads are open then; a page need not know)', async () => {
    const ticket = StreamTicketSchema.parse(await (await app.request('/api/stream-ticket', { method: 'POST' })).json()).ticket;
    const sse = readSse(await app.request(`/api/events?ticket=${ticket}`));
    await sse.next();
    await sse.close();
  });
});
