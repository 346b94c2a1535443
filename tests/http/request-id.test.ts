/**
 * Issue 6: every answer carries an `X-Request-Id` (a sane incoming one
 * echoed, else a fresh UUID), and every 5xx is logged with it and names it in
 * the envelope's details.
 */
import { describe, expect, it } from 'vitest';
import { MAX_IGNORED_BODY_BYTES } from '../../server/http/body-limit.ts';
import type { SlotpullOptions } from '../../server/http/app.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { expectError } from '../helpers/envelope.ts';
import type { ScriptedRuntime } from '../helpers/scripted-runtime.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;
  let logged: string[];

  const http = useTestApp((built) => ({ runtime, app } = built));
  const start = (overrides: Partial<SlotpullOptions> = {}) => {
    logged = [];
    http.start({ options: { log: (line) => logged.push(line), ...overrides } });
  };

  it('is on every kind of answer: JSON, SSE, HTML, errors from every layer, preflights', async () => {
    start({ access: { token: 's3cret', allowOrigins: ['http://dash.lan'] } });
    const bearer = { Authorization: 'Bearer s3cret' };
    const cases: Array<[string, number, RequestInit?]> = [
      ['/api/health', 200],
      ['/api/slots', 200],
      ['/api/openapi.json', 200],
      ['/', 200],
      ['/api/slots/chat/pull/stream', 200],
      ['/api/slots/chat/pull', 202, { method: 'POST', headers: bearer }],
      ['/api/slots/chat/pull', 200, { method: 'DELETE', headers: bearer }],
      ['/api/slots/chat/pull', 409, { method: 'DELETE', headers: bearer }],
      ['/api/slots/chat', 200, { method: 'HEAD' }],
      ['/api/slots/chat/pull', 204, { method: 'OPTIONS' }],
      ['/api/slots/chat/pull', 204, { method: 'OPTIONS', headers: { Origin: 'http://dash.lan', 'Access-Control-Request-Method': 'POST' } }],
      ['/api/slots/Nope', 400],
      ['/api/slots/nope', 404],
      ['/nope', 404],
      ['/api/slots/chat/pull', 401, { method: 'POST' }],
      ['/api/slots/chat/pull', 403, { method: 'POST', headers: { Origin: 'http://evil.example' } }],
      ['/api/slots', 405, { method: 'POST', headers: bearer }],
      ['/api/slots/chat/pull', 413, { method: 'POST', body: 'x', headers: { ...bearer, 'Content-Length': String(MAX_IGNORED_BODY_BYTES + 1) } }],
    ];
    const ids = new Set<string>();
    for (const [path, status, init] of cases) {
      const response = await app.request(path, init);
      await response.body?.cancel();
      expect({ path, status: response.status }).toEqual({ path, status });
      const id = response.headers.get('x-request-id');
      expect({ path, id }).toEqual({ path, id: expect.stringMatching(UUID) });
      ids.add(id as string);
    }
    expect(ids.size).toBe(cases.length);
  });

  it.each(['abc', 'req-1.2_3', 'A'.repeat(64), '0', 'trace.9f3a-01'])('echoes a sane incoming id: %j', async (incoming) => {
    start();
    for (const path of ['/api/slots', '/api/slots/nope', '/api/slots/chat/pull/stream']) {
      const response = await app.request(path, { headers: { 'X-Request-Id': incoming } });
      await response.body?.cancel();
      expect(response.headers.get('x-request-id')).toBe(incoming);
    }
  });

  it.each([
    ['65 characters', 'A'.repeat(65)],
    ['a space', 'abc def'],
    ['a slash', 'a/b'],
    ['a comma (two headers joined)', 'a, b'],
    ['a quote', 'a"b'],
    ['Latin-1', 'caf\u00e9'],
    ['a log-forging attempt', 'x\tINFO pull done'],
    ['empty', ''],
  ])('replaces an id with %s by a fresh UUID', async (_what, incoming) => {
    start();
    const response = await app.request('/api/slots', { headers: { 'X-Request-Id': incoming } });
    expect(response.headers.get('x-request-id')).toMatch(UUID);
  });

  it('logs a 500 with its id, and names the id in the envelope', async () => {
    start({
      newJobId: () => {
        throw new Error('job ids ran out');
      },
    });
    const response = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { 'X-Request-Id': 'trace-500' } });
    expect(response.headers.get('x-request-id')).toBe('trace-500');
    const error = await expectError(response, 500, 'system.internal');
    expect(error.details).toEqual({ request_id: 'trace-500' });
    expect(error.message).not.toContain('job ids ran out');
    expect(logged.filter((line) => line.includes('trace-500'))).toEqual(['request trace-500: POST /api/slots/chat/pull answered 500: job ids ran out']);
  });

  it('logs a 503 with its generated id, and names the id in the envelope', async () => {
    start();
    // A runtime known to be down (as a named engine reports itself).
    Object.assign(runtime, { unavailable: () => 'the engine at unix:///run/podman/podman.sock does not answer' });
    const response = await app.request('/api/slots/chat/pull', { method: 'POST' });
    const id = response.headers.get('x-request-id') as string;
    expect(id).toMatch(UUID);
    const error = await expectError(response, 503, 'runtime.unavailable');
    expect(error.details).toEqual({ name: 'chat', request_id: id });
    expect(logged).toEqual([`request ${id}: POST /api/slots/chat/pull answered 503: ${error.message}`]);
  });

  it('logs no 4xx and puts no id in a 4xx envelope', async () => {
    start();
    const answers = [
      await app.request('/api/slots/nope'),
      await app.request('/api/slots/Nope/pull', { method: 'POST' }),
      await app.request('/api/slots', { method: 'PUT' }),
      await app.request('/api/slots/chat/pull', { method: 'DELETE' }),
    ];
    for (const response of answers) {
      const { error } = (await response.json()) as { error: { details: Record<string, unknown> } };
      expect(error.details).not.toHaveProperty('request_id');
    }
    expect(logged).toEqual([]);
  });
});
