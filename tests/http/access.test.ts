/** Access (docs/api.md): tokens, protected reads, CORS and the cross-origin 403; issue 14: every route, the page too. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostName, LOOPBACK_HOSTS } from '../../server/http/access.ts';
import type { SlotpullOptions } from '../../server/http/app.ts';
import { MAX_ECHO_LENGTH } from '../../server/http/errors.ts';
import { DASHBOARD_BUNDLE_PATH } from '../../server/http/home.ts';
import { ELEMENTS_BUNDLE_PATH } from '../../server/http/routes/elements.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/envelope.ts';
import type { ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import { readSse } from '../helpers/sse-client.ts';

const DASHBOARD = 'http://dash.lan:3000';

describe('access control', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;

  const http = useTestApp((built) => ({ runtime, app } = built));
  const start = (access: SlotpullOptions['access']) => http.start({ options: { access } });

  const code = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

  it('needs the bearer token for POST and DELETE: 401 without, 403 when wrong, reads stay open', async () => {
    start({ token: 's3cret' });
    const none = await app.request('/api/slots/chat/pull', { method: 'POST' });
    expect(none.status).toBe(401);
    expect(await code(none)).toBe('auth.required');
    const wrong = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { Authorization: 'Bearer s3cres' } });
    expect(wrong.status).toBe(403);
    expect(await code(wrong)).toBe('auth.forbidden');
    expect(runtime.pulls).toHaveLength(0);
    const right = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { Authorization: 'Bearer s3cret' } });
    expect(right.status).toBe(202);
    expect((await app.request('/api/slots/chat/pull', { method: 'DELETE' })).status).toBe(401);
    expect((await app.request('/api/slots')).status).toBe(200);
  });

  it('protects reads when asked, taking ?access_token= on the SSE routes only', async () => {
    start({ token: 's3cret', protectReads: true });
    expect((await app.request('/api/slots')).status).toBe(401);
    expect((await app.request('/api/slots?access_token=s3cret')).status).toBe(401);
    expect((await app.request('/api/slots', { headers: { Authorization: 'Bearer s3cret' } })).status).toBe(200);
    expect((await app.request('/api/slots/chat/pull/stream')).status).toBe(401);
    const sse = readSse(await app.request('/api/slots/chat/pull/stream?access_token=s3cret'));
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ state: 'missing' });
    await sse.close();
    expect((await app.request('/api/events?access_token=wrong')).status).toBe(403);
  });

  it('refuses a POST from another origin with 403 before anything runs', async () => {
    start({});
    const response = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { Origin: 'http://evil.example' } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'auth.forbidden', message: expect.stringContaining('--allow-origin http://evil.example') } });
    expect(runtime.pulls).toHaveLength(0);
    expect((await app.request('/api/slots/chat/pull', { method: 'POST', headers: { Origin: 'http://127.0.0.1' } })).status).toBe(202);
  });

  it('on loopback, answers only to loopback host names (no DNS rebinding)', async () => {
    start({ allowedHosts: ['127.0.0.1', 'localhost', '[::1]'] });
    const rebound = await app.app.request('http://evil.example:8080/api/slots/chat/pull', { method: 'POST', headers: { Origin: 'http://evil.example:8080' } });
    expect(rebound.status).toBe(403);
    expect(await rebound.json()).toMatchObject({ error: { code: 'auth.forbidden', details: { reason: 'host_not_allowed', host: 'evil.example' } } });
    expect(runtime.pulls).toHaveLength(0);
    expect((await app.app.request('http://localhost:8080/api/slots')).status).toBe(200);
    expect((await app.app.request('http://[::1]:8080/api/slots')).status).toBe(200);
  });

  it('answers preflights and adds CORS headers, credentials allowed, for allowed origins only', async () => {
    start({ allowOrigins: [DASHBOARD] });
    const preflight = await app.request('/api/slots/chat/pull', {
      method: 'OPTIONS',
      headers: { Origin: DASHBOARD, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    const post = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { Origin: DASHBOARD } });
    expect(post.status).toBe(202);
    expect(post.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(post.headers.get('access-control-allow-credentials')).toBe('true');
    const stream = await app.request('/api/events', { headers: { Origin: DASHBOARD } });
    expect(stream.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    await stream.body?.cancel();
    // Another origin may read only the refusal that says it is not allowed.
    const other = await app.request('/api/slots', { headers: { Origin: 'http://other.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBe('http://other.example');
    expect(other.headers.get('access-control-allow-credentials')).toBeNull();
    expect((await expectError(other, 403, 'auth.forbidden')).details).toEqual({ reason: 'origin_not_allowed', origin: 'http://other.example' });
    const otherPreflight = await app.request('/api/slots/chat/pull', {
      method: 'OPTIONS',
      headers: { Origin: 'http://other.example', 'Access-Control-Request-Method': 'POST' },
    });
    expect(otherPreflight.status).toBe(403);
  });

  describe('every route (issue 14)', () => {
    /** Routes that read something, the page among them; and a path that is none. */
    const READS = ['/', '/api/slots', '/api/health', '/api/openapi.json', '/api/slots/chat', '/api/slots/chat/pull/status', '/nope'];
    const BUNDLES = [ELEMENTS_BUNDLE_PATH, DASHBOARD_BUNDLE_PATH];
    /** A bundle is served (200) or, unbuilt, a 404: never refused. */
    const expectServed = async (response: Response) => {
      expect([200, 404]).toContain(response.status);
      await response.body?.cancel();
    };

    it('with --protect-reads, closes the dashboard page (its <noscript> lists every slot) like any read; the bundles stay public', async () => {
      start({ token: 's3cret', protectReads: true });
      for (const path of READS) {
        const refused = await app.request(path);
        const text = await refused.clone().text();
        await expectError(refused, 401, 'auth.required');
        expect(text).not.toContain('127.0.0.1:5000/feas');
      }
      const page = await app.request('/', { headers: { Authorization: 'Bearer s3cret' } });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<strong>chat</strong>: 127.0.0.1:5000/feas/multi:1');
      for (const path of BUNDLES) await expectServed(await app.request(path));
    });

    it('answers the page, the API and unknown paths only to loopback names (DNS rebinding); the bundles to any', async () => {
      start({ allowedHosts: LOOPBACK_HOSTS });
      for (const path of READS) {
        const error = await expectError(await app.app.request(`http://evil.example:8080${path}`), 403, 'auth.forbidden');
        expect(error.details).toEqual({ reason: 'host_not_allowed', host: 'evil.example' });
        await expectError(await app.request(path, { headers: { Host: 'evil.example:8080' } }), 403, 'auth.forbidden');
        await expectError(await app.request(path, { headers: { Host: '' } }), 403, 'auth.forbidden');
      }
      for (const path of BUNDLES) {
        await expectServed(await app.app.request(`http://evil.example:8080${path}`));
        await expectServed(await app.request(path, { headers: { Host: 'evil.example' } }));
      }
      const page = await app.request('/', { headers: { Host: '127.0.0.1:8080' } });
      expect(page.status).toBe(200);
    });

    it('checks the Host header and the URL both: an absolute-form target cannot stand in for the Host (403)', async () => {
      start({ allowedHosts: LOOPBACK_HOSTS });
      await expectError(await app.app.request('http://127.0.0.1:8080/api/slots', { headers: { Host: 'evil.example' } }), 403, 'auth.forbidden');
      await expectError(await app.app.request('http://evil.example/api/slots', { headers: { Host: '127.0.0.1' } }), 403, 'auth.forbidden');
      expect((await app.app.request('http://localhost:8080/api/slots', { headers: { Host: '[::1]:8080' } })).status).toBe(200);
    });

    it('answers a Host header if and only if it names a loopback host, whatever else it is (property)', async () => {
      start({ allowedHosts: LOOPBACK_HOSTS });
      const loopback = new Set<string>(LOOPBACK_HOSTS);
      const host = fc.oneof(
        fc.domain(),
        fc.ipV4(),
        fc.constantFrom(...LOOPBACK_HOSTS, 'LocalHost', '[::1]:1', '127.0.0.1:65535'),
        fc.tuple(fc.constantFrom(...LOOPBACK_HOSTS), fc.string({ maxLength: 8 })).map(([h, tail]) => `${h}${tail}`),
        fc.string({ maxLength: 30 }),
      );
      await fc.assert(
        fc.asyncProperty(host, async (h) => {
          let response: Response;
          try {
            response = await app.request('/api/health', { headers: { Host: h } });
          } catch {
            return; // not a header value fetch can carry (a control character): no HTTP client sends it
          }
          // Headers strip leading and trailing HTTP whitespace from a value: "127.0.0.1 " arrives as "127.0.0.1".
          const name = hostName(h.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, ''));
          expect({ h, status: response.status }).toEqual({ h, status: name !== null && loopback.has(name) ? 200 : 403 });
          await response.body?.cancel();
        }),
        { numRuns: 300 },
      );
    });

    it('answers a request whose URL no parser takes (Deno builds it from `Host: a b`) with 400, not 500', async () => {
      start({});
      const request = new Request('http://127.0.0.1/api/slots');
      Object.defineProperty(request, 'url', { value: 'http://a b/api/slots' });
      const error = await expectError(await app.app.fetch(request), 400, 'validation.invalid');
      expect(error.details).toEqual({ field: 'Host' });
    });

    it('parses Host headers: a name or [IPv6], an optional port, nothing else', () => {
      expect(hostName('LocalHost:8080')).toBe('localhost');
      expect(hostName('[::1]:8080')).toBe('[::1]');
      expect(hostName('127.0.0.1')).toBe('127.0.0.1');
      for (const bad of ['', ' ', 'a b', 'user@127.0.0.1', '127.0.0.1, evil', '127.0.0.1:', '127.0.0.1:123456', '[::1', 'a/b']) expect(hostName(bad)).toBeNull();
    });

    it('refuses a POST or DELETE with no Origin that Fetch Metadata marks as from another site (403), before anything runs', async () => {
      start({ allowOrigins: [DASHBOARD] });
      for (const site of ['cross-site', 'same-site']) {
        for (const method of ['POST', 'DELETE']) {
          const error = await expectError(await app.request('/api/slots/chat/pull', { method, headers: { 'Sec-Fetch-Site': site } }), 403, 'auth.forbidden');
          expect(error.details).toEqual({ reason: 'cross_site_request', sec_fetch_site: site });
        }
      }
      expect(runtime.pulls).toHaveLength(0);
      // The server's own page, a typed URL, and an allowed origin (its Origin decides) still may.
      expect((await app.request('/api/slots/chat/pull', { method: 'POST', headers: { 'Sec-Fetch-Site': 'same-origin' } })).status).toBe(202);
      expect((await app.request('/api/slots/chat/pull', { method: 'DELETE', headers: { 'Sec-Fetch-Site': 'none' } })).status).toBe(200);
      expect((await app.request('/api/slots/chat/pull', { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site', Origin: DASHBOARD } })).status).toBe(202);
      // Reads with no Origin are not refused: a cross-site page cannot read the answer without CORS anyway.
      expect((await app.request('/api/slots', { headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(200);
    });

    it('quotes an 8,000-character Origin clipped, not three times whole', async () => {
      start({});
      const origin = `http://${'o'.repeat(8000)}.example`;
      const response = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { Origin: origin } });
      const text = await response.clone().text();
      const error = await expectError(response, 403, 'auth.forbidden');
      expect(text.length).toBeLessThan(3 * MAX_ECHO_LENGTH + 300);
      expect(error.details).toEqual({ reason: 'origin_not_allowed', origin: `${origin.slice(0, MAX_ECHO_LENGTH)}…` });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    });
  });
});
