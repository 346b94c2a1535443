/** CONTRACT §7: tokens, protected reads, CORS and the cross-origin 403. */
import { describe, expect, it } from 'vitest';
import type { SlotpullOptions } from '../../server/http/app.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
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
    expect(await rebound.json()).toMatchObject({ error: { code: 'auth.forbidden', details: { host: 'evil.example' } } });
    expect(runtime.pulls).toHaveLength(0);
    expect((await app.app.request('http://localhost:8080/api/slots')).status).toBe(200);
    expect((await app.app.request('http://[::1]:8080/api/slots')).status).toBe(200);
  });

  it('answers preflights and adds CORS headers for allowed origins only, without credentials', async () => {
    start({ allowOrigins: [DASHBOARD] });
    const preflight = await app.request('/api/slots/chat/pull', {
      method: 'OPTIONS',
      headers: { Origin: DASHBOARD, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, DELETE');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await app.request('/api/slots/chat/pull', { method: 'POST', headers: { Origin: DASHBOARD } });
    expect(post.status).toBe(202);
    expect(post.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    const stream = await app.request('/api/events', { headers: { Origin: DASHBOARD } });
    expect(stream.headers.get('access-control-allow-origin')).toBe(DASHBOARD);
    await stream.body?.cancel();
    const other = await app.request('/api/slots', { headers: { Origin: 'http://other.example' } });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect((await app.request('/api/slots', { method: 'OPTIONS', headers: { Origin: 'http://other.example' } })).status).toBe(403);
  });
});
