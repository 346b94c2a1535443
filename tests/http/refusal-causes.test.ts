/**
 * Issue 13: every refusal names its cause (`details.reason`) in words that
 * say what to do, reaches an allowed page readable (CORS on error answers
 * too), and is logged without the token; a proxied name passes with
 * `publicOrigins`/`allowedHosts` (what --public-url sets).
 */
import { describe, expect, it } from 'vitest';
import { LOOPBACK_HOSTS } from '../../server/http/access.ts';
import type { SlotpullOptions } from '../../server/http/app.ts';
import { AUTH_REFUSAL_REASONS } from '../../wire/values.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/envelope.ts';
import type { ScriptedRuntime } from '../helpers/scripted-runtime.ts';

const TOKEN = 's3cret-t0ken';
const DASHBOARD = 'http://dash.lan:3000';

describe('refusal causes', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;
  let logged: string[] = [];
  const http = useTestApp((built) => ({ runtime, app } = built));
  const start = (access: SlotpullOptions['access']) => {
    logged = [];
    http.start({ options: { access, logRefusal: (line) => logged.push(line) } });
  };

  it('says each cause in its own words and names it in details.reason', async () => {
    start({ token: TOKEN, protectReads: true, allowOrigins: ['http://127.0.0.1:5500'], allowedHosts: LOOPBACK_HOSTS });
    const cases: Array<[RequestInit & { path?: string }, number, string, RegExp]> = [
      [{}, 401, 'token_missing', /needs a token: send Authorization: Bearer <token>.*configureServer\(\)/],
      [{ headers: { Authorization: 'Bearer wrong' } }, 403, 'token_wrong', /not the one this server was started with \(--token or SLOTPULL_TOKEN\)/],
      [{ headers: { Origin: 'http://localhost:5500' } }, 403, 'origin_not_allowed',
        /^Requests from http:\/\/localhost:5500 are not allowed \(http:\/\/127\.0\.0\.1:5500 is allowed, but to a browser http:\/\/localhost:5500 is another origin\); start slotpull with --allow-origin http:\/\/localhost:5500/],
      [{ headers: { Origin: 'null' } }, 403, 'origin_not_allowed', /Origin: null: a file:\/\/ page.*serve the page over http\(s\)/],
      [{ headers: { Host: 'dash.example' } }, 403, 'host_not_allowed', /not to "dash\.example".*--public-url https:\/\/dash\.example.*Host: 127\.0\.0\.1/],
      [{ method: 'POST', path: '/api/slots/chat/pull', headers: { 'Sec-Fetch-Site': 'cross-site', ...bearer() } }, 403, 'cross_site_request', /Sec-Fetch-Site/],
    ];
    const seen = new Set<string>();
    for (const [{ path = '/api/slots', ...init }, status, reason, words] of cases) {
      const error = await expectError(await app.request(path, init), status, status === 401 ? 'auth.required' : 'auth.forbidden');
      expect(error.details.reason).toBe(reason);
      expect(error.message).toMatch(words);
      seen.add(reason);
    }
    // The ticket reasons are stream-ticket.test.ts's.
    expect([...seen, 'ticket_expired', 'ticket_invalid'].sort()).toEqual([...AUTH_REFUSAL_REASONS].sort());
    expect(runtime.pulls).toHaveLength(0);
  });

  it('lets an allowed page read every error answer (the refusal, the 404, the 405)', async () => {
    start({ token: TOKEN, protectReads: true, allowOrigins: [DASHBOARD] });
    const asDashboard = (path: string, init: RequestInit = {}) => app.request(path, { ...init, headers: { Origin: DASHBOARD, ...init.headers } });
    for (const [response, status] of [
      [await asDashboard('/api/slots/chat/pull', { method: 'POST' }), 401],
      [await asDashboard('/api/slots', { headers: { Authorization: 'Bearer wrong' } }), 403],
      [await asDashboard('/api/slots/nope', { headers: bearer() }), 404],
      [await asDashboard('/api/slots/chat/pull', { method: 'PUT', headers: bearer() }), 405],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('vary')).toContain('Origin');
      await response.body?.cancel();
    }
  });

  it('logs one line per refusal, naming the request and its cause, never the token or the query', async () => {
    start({ token: TOKEN, protectReads: true });
    const answers = [
      await app.request('/api/events?access_token=guessed-token', { headers: { 'X-Request-Id': 'req-1' } }),
      await app.request('/api/slots', { headers: { Authorization: `Bearer ${TOKEN}x`, 'X-Request-Id': 'req-2' } }),
      await app.request('/api/slots', { headers: { Origin: 'http://evil.example', 'X-Request-Id': 'req-3' } }),
      await app.request('/api/slots', { headers: bearer() }),
    ];
    for (const answer of answers) await answer.body?.cancel();
    expect(logged).toEqual([
      expect.stringMatching(/^request req-1: refused GET \/api\/events \(403 token_wrong\): The token is not/),
      expect.stringMatching(/^request req-2: refused GET \/api\/slots \(403 token_wrong\): /),
      expect.stringMatching(/^request req-3: refused GET \/api\/slots from http:\/\/evil\.example \(403 origin_not_allowed\): Requests from/),
    ]);
    expect(logged.join('\n')).not.toMatch(/guessed-token|s3cret/);
  });

  it('takes a page at a public URL (behind a proxy) as the server\'s own: its origin and Host name pass', async () => {
    start({ token: TOKEN, publicOrigins: ['https://dash.example'], allowedHosts: [...LOOPBACK_HOSTS, 'dash.example'] });
    const proxied = { Host: 'dash.example', Origin: 'https://dash.example', ...bearer() };
    expect((await app.request('/api/slots/chat/pull', { method: 'POST', headers: proxied })).status).toBe(202);
    // Same-origin needs no CORS.
    const slots = await app.request('/api/slots', { headers: { Host: 'dash.example', Origin: 'https://dash.example' } });
    expect(slots.status).toBe(200);
    expect(slots.headers.get('access-control-allow-origin')).toBeNull();
    // Another name, and another origin on that name, are still refused.
    expect((await expectError(await app.request('/api/slots', { headers: { Host: 'other.example' } }), 403, 'auth.forbidden')).details.reason).toBe('host_not_allowed');
    const post = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { ...proxied, Origin: 'https://evil.example' } });
    expect((await expectError(post, 403, 'auth.forbidden')).details.reason).toBe('origin_not_allowed');
  });
});

function bearer(): Record<string, string> {
  return { Authorization: `Bearer ${TOKEN}` };
}
