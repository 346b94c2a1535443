/**
 * Issue 6, bad input: every malformed request gets a clear 4xx in the error
 * envelope (docs/api.md, Errors) — never a 5xx, never a hang — and starts nothing.
 * Routes are exercised with app.request(); what only a real socket shows
 * (raw paths, a body that never arrives) runs on the Node entry's server.
 */
import fc from 'fast-check';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_IGNORED_BODY_BYTES } from '../../server/http/body-limit.ts';
import { MAX_ECHO_LENGTH } from '../../server/http/errors.ts';
import { ErrorSchema, MAX_STREAM_SLOTS } from '../../server/http/schemas.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { serveOnNode, type NodeServed } from '../helpers/node-server.ts';
import { expectError } from '../helpers/envelope.ts';
import type { ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import { readSse } from '../helpers/sse-client.ts';

/** The routes that take a `:name`, with the method each is called with. */
const NAME_ROUTES: ReadonlyArray<[method: string, path: (name: string) => string]> = [
  ['GET', (name) => `/api/slots/${name}`],
  ['GET', (name) => `/api/slots/${name}/pull/status`],
  ['GET', (name) => `/api/slots/${name}/pull/stream`],
  ['POST', (name) => `/api/slots/${name}/pull`],
  ['DELETE', (name) => `/api/slots/${name}/pull`],
];

/** A message quoting request input stays short: the quote is clipped, the rest is our own words. */
const MAX_MESSAGE_LENGTH = MAX_ECHO_LENGTH + 120;
const TEN_KB = 10 * 1024;

describe('bad input', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;
  const http = useTestApp((built) => ({ runtime, app } = built));

  /** Nothing was started and no stream is left subscribed. */
  const expectNothingRunning = () => {
    expect(runtime.pulls).toHaveLength(0);
    expect(app.registry.listenerCount).toBe(0);
  };

  describe('slot names', () => {
    const outside = ['Chat', 'CHAT', '-chat', '_chat', 'a'.repeat(33), 'ch%20at', 'chat!', 'ch.at', 'chat%00', '%', '%E0%A4%A', 'ch%3Bat'];

    it.each(outside)('answers 400 validation.invalid for %j on every :name route', async (name) => {
      for (const [method, path] of NAME_ROUTES) {
        const error = await expectError(await app.request(path(name), { method }), 400, 'validation.invalid');
        expect(error.details).toEqual({ field: 'name' });
      }
      expectNothingRunning();
    });

    it.each([
      ['a Cyrillic с', '\u0441hat'],
      ['a Cyrillic а', 'ch\u0430t'],
      ['a fullwidth ｃ (NFKC folds it to c)', '\uff43hat'],
      ['a zero-width space', 'chat\u200b'],
      ['a combining mark', 'cha\u0301t'],
      ['a Turkish dotless ı', 'emb\u0131d'],
    ])('refuses a unicode look-alike of a real name (%s) with 400, never the real slot', async (_what, lookAlike) => {
      for (const [method, path] of NAME_ROUTES) {
        await expectError(await app.request(path(encodeURIComponent(lookAlike)), { method }), 400, 'validation.invalid');
      }
      expectNothingRunning();
    });

    it.each(['ch%2Fat', 'chat%2Fpull', 'chat%2fpull%2fstatus', '..%2F..%2Fhealth', '%2E%2E%2Fslots', 'chat%5Cpull'])(
      'keeps an encoded slash or backslash inside the name (%s): 400, no other route is reached',
      async (name) => {
        for (const [method, path] of NAME_ROUTES) {
          await expectError(await app.request(path(name), { method }), 400, 'validation.invalid');
        }
        expectNothingRunning();
      },
    );

    it('answers a `..` segment by its normalized path: /api/slots/.. is /api/, not a route (404)', async () => {
      // URLs resolve dot segments (in browsers, in fetch, and in the Node adapter: see the socket tests below).
      await expectError(await app.request('/api/slots/..'), 404, 'route.not_found');
      await expectError(await app.request('/api/slots/%2e%2e'), 404, 'route.not_found');
      await expectError(await app.request('/api/slots/...'), 400, 'validation.invalid');
      await expectError(await app.request('/api/slots/../../etc/passwd'), 404, 'route.not_found');
      expectNothingRunning();
    });

    it('answers a 10 kB name with a 400 whose message quotes it clipped', async () => {
      const long = 'a'.repeat(TEN_KB);
      for (const [method, path] of NAME_ROUTES) {
        const error = await expectError(await app.request(path(long), { method }), 400, 'validation.invalid');
        expect(error.message.length).toBeLessThan(MAX_MESSAGE_LENGTH);
        expect(error.message).toContain('…');
      }
      await expectError(await app.request(`/api/slots/chat/pull/status/${long}`), 404, 'route.not_found');
      await expectError(await app.request(`/${long}`), 404, 'route.not_found');
      expectNothingRunning();
    });

    it('answers any path segment with a 2xx for a real slot, else a 4xx envelope — never a 5xx (fuzzed)', async () => {
      const segment = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
        fc.string({ unit: fc.constantFrom(...'abcz09_-.%2FfEe~!*()\'', 'é', '\u0441'), maxLength: 40 }),
        fc.constantFrom('chat', 'code', 'big', 'embed', 'ch%61t', 'nope'),
      );
      await fc.assert(
        fc.asyncProperty(segment, fc.constantFrom(...NAME_ROUTES), async (name, [method, path]) => {
          const response = await app.request(path(name), { method });
          expect(response.status).toBeLessThan(500);
          if (response.headers.get('content-type') === 'text/event-stream') {
            expect(response.status).toBe(200);
            await response.body?.cancel();
          } else if (response.status >= 400) {
            ErrorSchema.parse(await response.json());
          } else {
            await response.body?.cancel();
          }
          // Cancel what a fuzzed POST may have started, so runs stay independent.
          await app.request('/api/slots/chat/pull', { method: 'DELETE' });
          await app.request('/api/slots/big/pull', { method: 'DELETE' });
        }),
        { numRuns: 300 },
      );
      // Only configured images were ever pulled.
      for (const pull of runtime.pulls) expect(['127.0.0.1:5000/feas/multi:1', '127.0.0.1:5000/feas/big:1']).toContain(pull.image.raw);
      expect(app.registry.listenerCount).toBe(0);
    });
  });

  describe('slots= lists', () => {
    it('answers 404 slot.not_found naming the first unknown name, before any stream', async () => {
      const error = await expectError(await app.request('/api/events?slots=chat,nope,other'), 404, 'slot.not_found');
      expect(error.details).toEqual({ name: 'nope' });
      await expectError(await app.request('/api/events?slots=chat,Nope'), 400, 'validation.invalid');
      await expectError(await app.request('/api/events?slots=embed'), 400, 'slot.no_image');
      await expectError(await app.request('/api/events?slots=,,%20,'), 400, 'validation.invalid');
      expectNothingRunning();
    });

    it(`refuses a list of more than ${MAX_STREAM_SLOTS} names with 400, whatever the names`, async () => {
      const thousand = Array.from({ length: 1000 }, (_, i) => `s${i}`).join(',');
      const error = await expectError(await app.request(`/api/events?slots=${thousand}`), 400, 'validation.invalid');
      expect(error.details).toEqual({ field: 'slots', limit: MAX_STREAM_SLOTS });
      expect(error.message).toContain('1000 names');
      const justOver = Array.from({ length: MAX_STREAM_SLOTS + 1 }, () => 'chat').join(',');
      await expectError(await app.request(`/api/events?slots=${justOver}`), 400, 'validation.invalid');
      expectNothingRunning();
    });

    it(`accepts exactly ${MAX_STREAM_SLOTS} names (duplicates count once on the stream)`, async () => {
      const atLimit = Array.from({ length: MAX_STREAM_SLOTS }, (_, i) => (i % 2 === 0 ? 'chat' : 'big')).join(',');
      const response = await app.request(`/api/events?slots=${atLimit}&until=done`);
      expect(response.status).toBe(200);
      const sse = readSse(response);
      const names = [JSON.parse((await sse.next()).data).slot_name, JSON.parse((await sse.next()).data).slot_name];
      expect(names.sort()).toEqual(['big', 'chat']);
      await expect(sse.next(1000)).rejects.toThrow('the stream ended');
    });

    it('quotes a 10 kB name in slots= clipped', async () => {
      const error = await expectError(await app.request(`/api/events?slots=chat,${'X'.repeat(TEN_KB)}`), 400, 'validation.invalid');
      expect(error.message.length).toBeLessThan(MAX_MESSAGE_LENGTH);
    });
  });

  describe('bodies', () => {
    it('ignores a small body on POST and DELETE', async () => {
      const json = JSON.stringify({ force: true });
      const post = await app.request('/api/slots/chat/pull', {
        method: 'POST',
        body: json,
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(json.length) },
      });
      expect(post.status).toBe(202);
      const junk = 'x'.repeat(MAX_IGNORED_BODY_BYTES);
      const del = await app.request('/api/slots/chat/pull', { method: 'DELETE', body: junk, headers: { 'Content-Length': String(junk.length) } });
      expect(del.status).toBe(200);
      expect(runtime.pulls).toHaveLength(1);
    });

    it(`refuses a declared body over ${MAX_IGNORED_BODY_BYTES} bytes with 413 validation.too_large, before anything runs`, async () => {
      for (const [method, path] of [...NAME_ROUTES, ['GET', () => '/api/slots'] as const, ['POST', () => '/'] as const]) {
        const response = await app.request(path('chat'), {
          method,
          body: method === 'GET' ? null : 'x',
          headers: { 'Content-Length': String(MAX_IGNORED_BODY_BYTES + 1) },
        });
        const error = await expectError(response, 413, 'validation.too_large');
        expect(error.details).toEqual({ field: 'body', limit: MAX_IGNORED_BODY_BYTES });
      }
      const huge = await app.request('/api/slots/chat/pull', { method: 'POST', body: 'x', headers: { 'Content-Length': '9'.repeat(400) } });
      expect((await expectError(huge, 413, 'validation.too_large')).message.length).toBeLessThan(MAX_MESSAGE_LENGTH);
      expectNothingRunning();
    });
  });

  describe('methods', () => {
    it.each([
      ['PUT', '/api/slots/chat/pull', 'POST, DELETE, OPTIONS'],
      ['PATCH', '/api/slots/nope/pull', 'POST, DELETE, OPTIONS'],
      ['GET', '/api/slots/chat/pull', 'POST, DELETE, OPTIONS'],
      ['POST', '/api/slots', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/api/slots/chat', 'GET, HEAD, OPTIONS'],
      ['POST', '/api/slots/chat/pull/status', 'GET, HEAD, OPTIONS'],
      ['POST', '/api/slots/chat/pull/stream', 'GET, HEAD, OPTIONS'],
      ['POST', '/api/events', 'GET, HEAD, OPTIONS'],
      ['DELETE', '/api/health', 'GET, HEAD, OPTIONS'],
      ['PUT', '/api/openapi.json', 'GET, HEAD, OPTIONS'],
      ['PROPFIND', '/api/slots/Bad%2Fname', 'GET, HEAD, OPTIONS'],
    ])('answers %s %s with 405, the envelope and Allow: %s', async (method, path, allow) => {
      const response = await app.request(path, { method });
      expect(response.headers.get('allow')).toBe(allow);
      const error = await expectError(response, 405, 'route.method_not_allowed');
      expect(error.details).toEqual({ method, allow: allow.split(', ') });
      expectNothingRunning();
    });

    it('agrees with the OpenAPI document: documented methods are served, every other one is a 405', async () => {
      const document = (await (await app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
      for (const [template, item] of Object.entries(document.paths)) {
        const path = template.replace('{name}', 'chat');
        const documented = Object.keys(item).map((method) => method.toUpperCase());
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) {
          const response = await app.request(path, { method });
          await response.body?.cancel();
          if (documented.includes(method)) expect({ method, path, status: response.status }).not.toMatchObject({ status: 405 });
          else expect({ method, path, status: response.status }).toMatchObject({ status: 405 });
        }
      }
    });

    it.each([
      ['/', 'GET, HEAD, OPTIONS'],
      ['/elements/slotpull.js', 'GET, HEAD, OPTIONS'],
      ['/demo/dashboard.js', 'GET, HEAD, OPTIONS'],
    ])('answers a wrong method on %s with 405 and Allow: %s, and OPTIONS with 204 (issue 14: both were 404)', async (path, allow) => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND']) {
        const response = await app.request(path, { method });
        expect(response.headers.get('allow')).toBe(allow);
        const error = await expectError(response, 405, 'route.method_not_allowed');
        expect(error.details).toEqual({ method, allow: allow.split(', ') });
      }
      const options = await app.request(path, { method: 'OPTIONS' });
      expect(options.status).toBe(204);
      expect(options.headers.get('allow')).toBe(allow);
      expectNothingRunning();
    });

    it('keeps 404 for paths that are no route, whatever the method', async () => {
      await expectError(await app.request('/api/nope', { method: 'PUT' }), 404, 'route.not_found');
      await expectError(await app.request('/api/slots/chat/pull/', { method: 'POST' }), 404, 'route.not_found');
      expectNothingRunning();
    });

    it('checks access before the method: a cross-origin PUT is 403, a PUT without the token 401', async () => {
      http.start({ runtime, options: { access: { token: 's3cret' } } });
      await expectError(await app.request('/api/slots/chat/pull', { method: 'PUT', headers: { Origin: 'http://evil.example' } }), 403, 'auth.forbidden');
      await expectError(await app.request('/api/slots/chat/pull', { method: 'PUT' }), 401, 'auth.required');
      const authorized = await app.request('/api/slots/chat/pull', { method: 'PUT', headers: { Authorization: 'Bearer s3cret' } });
      await expectError(authorized, 405, 'route.method_not_allowed');
      expectNothingRunning();
    });

    it('answers a same-origin OPTIONS with 204 and Allow', async () => {
      const response = await app.request('/api/slots/chat/pull', { method: 'OPTIONS' });
      expect(response.status).toBe(204);
      expect(response.headers.get('allow')).toBe('POST, DELETE, OPTIONS');
    });

    it('answers HEAD on the SSE routes without leaving a subscriber or timer behind', async () => {
      for (const path of ['/api/events', '/api/slots/chat/pull/stream', '/api/events?slots=chat,big']) {
        const response = await app.request(path, { method: 'HEAD' });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/event-stream');
        expect(response.body).toBeNull();
      }
      expect(app.registry.listenerCount).toBe(0);
      expect(app.clock.liveTimers).toBe(0);
      const json = await app.request('/api/slots/chat', { method: 'HEAD' });
      expect(json.status).toBe(200);
      expect(json.body).toBeNull();
    });
  });

  describe('echoes (issue 14)', () => {
    /** Letters that no message of ours has 65 of in a row: a run that long in an answer is an echo. */
    const LETTERS = 'qxzjQXZJ';
    const ECHO = new RegExp(`[${LETTERS}]{${MAX_ECHO_LENGTH + 1},}`);
    /** Every place a request can put text the answer might quote. */
    const PLACES: ReadonlyArray<[string, (s: string) => [string, RequestInit]]> = [
      ['a :name', (s) => [`/api/slots/${s}`, {}]],
      ['a :name on POST', (s) => [`/api/slots/${s}/pull`, { method: 'POST' }]],
      ['a path that is no route', (s) => [`/${s}`, {}]],
      ['a segment after a route', (s) => [`/api/slots/chat/pull/status/${s}`, {}]],
      ['slots=', (s) => [`/api/events?slots=${s}`, {}]],
      ['slots= after a real name', (s) => [`/api/events?slots=chat,${s}`, {}]],
      ['until= on one slot', (s) => [`/api/slots/chat/pull/stream?until=${s}`, {}]],
      ['until= on many', (s) => [`/api/events?until=${s}`, {}]],
      ['the method of a route', (s) => ['/api/slots/chat/pull', { method: s }]],
      ['the method of no route', (s) => ['/nope', { method: s }]],
      ['the method of the page', (s) => ['/', { method: s }]],
      ['Origin', (s) => ['/api/slots/chat/pull', { method: 'POST', headers: { Origin: `http://${s}.example` } }]],
      ['Origin on a preflight', (s) => ['/api/slots/chat/pull', { method: 'OPTIONS', headers: { Origin: `http://${s}.example` } }]],
      ['Host', (s) => ['/api/slots', { headers: { Host: `${s}.example` } }]],
      ['Authorization', (s) => ['/api/slots/chat/pull', { method: 'POST', headers: { Authorization: `Bearer ${s}` } }]],
      ['X-Request-Id', (s) => ['/api/slots/nope', { headers: { 'X-Request-Id': s } }]],
      ['Last-Event-ID', (s) => ['/api/slots/nope/pull/stream', { headers: { 'Last-Event-ID': s } }]],
      ['Sec-Fetch-Site', (s) => ['/api/slots/chat/pull', { method: 'DELETE', headers: { 'Sec-Fetch-Site': s } }]],
    ];

    it('quotes no input longer than 64 characters, from any place, in any answer (property)', async () => {
      http.start({ options: { access: { token: 's3cret', allowedHosts: ['127.0.0.1', 'localhost', '[::1]'] } } });
      const long = fc.string({ unit: fc.constantFrom(...LETTERS), minLength: MAX_ECHO_LENGTH + 1, maxLength: 4000 });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...PLACES), long, async ([, place], text) => {
          const [path, init] = place(text);
          const response = await app.request(path, init);
          const body = response.headers.get('content-type') === 'text/event-stream' ? '' : await response.text();
          await response.body?.cancel().catch(() => undefined);
          const answer = `${[...response.headers].map(([name, value]) => `${name}: ${value}`).join('\n')}\n\n${body}`;
          expect(ECHO.exec(answer)?.[0].length ?? 0).toBe(0);
          expect(response.status).toBeLessThan(500);
        }),
        { numRuns: 400 },
      );
      expectNothingRunning();
    });

    it('quotes a 10,000-character until= clipped (it came back whole: 10,141 bytes)', async () => {
      const response = await app.request(`/api/events?until=${'u'.repeat(10_000)}`);
      const text = await response.clone().text();
      await expectError(response, 400, 'validation.invalid');
      expect(text.length).toBeLessThan(MAX_MESSAGE_LENGTH + 100);
    });
  });

  describe('Last-Event-ID', () => {
    const garbage = ['abc', '-1', '1e3', '0x10', '12abc', '1.5', ' ', '9'.repeat(16), '99999999999999999999', 'x'.repeat(TEN_KB), '\u00b2\u00b3', 'NaN', 'Infinity'];

    it.each(garbage.map((value) => [value.length > 20 ? `${value.slice(0, 20)}… (${value.length} chars)` : value, value]))(
      'ignores %j: ids start at 1 on both SSE routes',
      async (_label, value) => {
        for (const path of ['/api/slots/chat/pull/stream', '/api/events?slots=chat']) {
          const sse = readSse(await app.request(path, { headers: { 'Last-Event-ID': value } }));
          expect((await sse.next()).id).toBe('1');
          await sse.close();
        }
        expect(app.registry.listenerCount).toBe(0);
      },
    );

    it('continues from a 15-digit id, and from the 16-digit one it then sent (issue 14: that one was ignored)', async () => {
      const first = readSse(await app.request('/api/events?slots=chat', { headers: { 'Last-Event-ID': '999999999999999' } }));
      const sent = (await first.next()).id;
      await first.close();
      expect(sent).toBe('1000000000000000');
      const again = readSse(await app.request('/api/events?slots=chat', { headers: { 'Last-Event-ID': sent ?? '' } }));
      expect((await again.next()).id).toBe('1000000000000001');
      await again.close();
    });

    it('still honours a sane one (control: the header is read)', async () => {
      const sse = readSse(await app.request('/api/events?slots=chat', { headers: { 'Last-Event-ID': ' 41 ' } }));
      expect((await sse.next()).id).toBe('42');
      await sse.close();
    });
  });
});

/** One raw HTTP/1.1 exchange: the answer's status, head and body, or a rejection naming what did not arrive. */
function rawExchange(port: number, request: string, timeoutMs = 3000): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      const got = JSON.stringify(received.toString('utf8', 0, 200));
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${JSON.stringify(request.slice(0, 60))}; got ${got}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = received.toString('latin1', 0, end);
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (received.length - (end + 4) < length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(head.split(' ')[1]), head, body: received.toString('utf8', end + 4, end + 4 + length) });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.write(request);
  });
}

describe('bad input over a real socket', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;
  let served: NodeServed;
  let port: number;
  useTestApp((built) => ({ runtime, app } = built));
  beforeEach(async () => {
    // The Node entry's own server (server/node/server.ts), not the bare adapter.
    served = await serveOnNode(app.app.fetch);
    port = served.port;
  });
  afterEach(() => served.close());

  const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`;
  const envelope = (body: string) => ErrorSchema.parse(JSON.parse(body)).error;

  it('resolves raw dot segments and keeps encoded slashes in the name', async () => {
    const dots = await rawExchange(port, get('/api/slots/..'));
    expect(dots.status).toBe(404);
    expect(envelope(dots.body).code).toBe('route.not_found');
    const slash = await rawExchange(port, get('/api/slots/chat%2F..%2F..%2Fhealth/pull/status'));
    expect(slash.status).toBe(400);
    expect(envelope(slash.body).code).toBe('validation.invalid');
    const lookAlike = await rawExchange(port, get(`/api/slots/${encodeURIComponent('\u0441hat')}`));
    expect(lookAlike.status).toBe(400);
  });

  it('answers a 10 kB path with a 4xx envelope', async () => {
    const answer = await rawExchange(port, get(`/api/slots/${'a'.repeat(TEN_KB)}/pull/status`));
    expect(answer.status).toBe(400);
    expect(envelope(answer.body).code).toBe('validation.invalid');
  });

  it('answers 413 at once for a 100 MB Content-Length whose body never comes', async () => {
    const answer = await rawExchange(
      port,
      `POST /api/slots/chat/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\nabc`,
    );
    expect(answer.status).toBe(413);
    expect(answer.head.toLowerCase()).toContain('x-request-id: ');
    expect(envelope(answer.body).code).toBe('validation.too_large');
    expect(runtime.pulls).toHaveLength(0);
  });

  it('starts the pull without waiting for a small body that never comes (it is never read)', async () => {
    const answer = await rawExchange(port, `POST /api/slots/chat/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"a":`);
    expect(answer.status).toBe(202);
    expect(runtime.pulls).toHaveLength(1);
  });

  it('answers a chunked body that never ends: it has no length to refuse, and it is not read', async () => {
    const answer = await rawExchange(port, `DELETE /api/slots/chat/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n${'x'.repeat(1024)}\r\n`);
    expect(answer.status).toBe(409);
    expect(envelope(answer.body).code).toBe('pull.not_active');
  });
});
