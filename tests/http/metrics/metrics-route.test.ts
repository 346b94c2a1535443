/** GET /metrics (issue 17): pulls, engines, streams and requests in the Prometheus text format, over the FAKE ScriptedRuntime. */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { LOOPBACK_HOSTS } from '../../../server/http/access.ts';
import type { SlotpullOptions } from '../../../server/http/app.ts';
import { DASHBOARD_BUNDLE_PATH } from '../../../server/http/home.ts';
import { OTHER_METHOD, UNMATCHED_ROUTE } from '../../../server/http/metrics/http-metrics.ts';
import { METRICS_PATH } from '../../../server/http/metrics/metrics-route.ts';
import { DEFAULT_ENGINE } from '../../../server/http/metrics/pull-metrics.ts';
import { openApiDocument } from '../../../server/http/openapi.ts';
import { ELEMENTS_BUNDLE_PATH } from '../../../server/http/routes/elements.ts';
import { makeApp, useTestApp, type TestApp } from '../../helpers/app.ts';
import { useFakeClock } from '../../helpers/clock.ts';
import { readExposition, sampleKey, type Exposition } from '../../helpers/prometheus-text.ts';
import { dockerLine, ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { settle } from '../../helpers/settle.ts';
import { readSse } from '../../helpers/sse-client.ts';

const LAYER = 'd9b9504b1033';
const engine = DEFAULT_ENGINE;

/** A FAKE engine that cannot be reached, as a named engine reports it. */
class DownRuntime extends ScriptedRuntime {
  unavailable(): string {
    return 'engine "gpu2": no container engine answers at tcp://127.0.0.1:2375';
  }
}

describe('GET /metrics', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;

  const http = useTestApp((built) => ({ runtime, app } = built));

  const scrape = async (init?: RequestInit, from: TestApp = app): Promise<Exposition> => {
    const response = await from.request('/metrics', init);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    return readExposition(await response.text());
  };
  const value = (exposition: Exposition, name: string, labels: Record<string, string> = {}) => exposition.samples.get(sampleKey(name, labels));
  const post = (slot: string) => app.request(`/api/slots/${slot}/pull`, { method: 'POST' });
  /** Lets the pull loop take what was pushed, and a job's end reach its hooks. */
  const settleTwice = async () => {
    await settle();
    await settle();
  };

  it('declares every family with its type, and reads the server before any pull', async () => {
    const exposition = await scrape();
    expect(Object.fromEntries(exposition.types)).toEqual({
      slotpull_pulls_started_total: 'counter',
      slotpull_pulls_finished_total: 'counter',
      slotpull_pull_bytes_total: 'counter',
      slotpull_pull_duration_seconds: 'histogram',
      slotpull_pull_queue_length: 'gauge',
      slotpull_pulls_running: 'gauge',
      slotpull_engine_up: 'gauge',
      slotpull_build_info: 'gauge',
      slotpull_sse_clients: 'gauge',
      slotpull_http_requests_total: 'counter',
      slotpull_http_request_duration_seconds: 'histogram',
    });
    // Every engine's counters are there at 0 from the start, with each result: increase() sees the first pull.
    expect(value(exposition, 'slotpull_pulls_started_total', { engine })).toBe(0);
    expect(value(exposition, 'slotpull_pull_bytes_total', { engine })).toBe(0);
    for (const result of ['completed', 'failed', 'cancelled']) {
      expect(value(exposition, 'slotpull_pulls_finished_total', { engine, result })).toBe(0);
      expect(value(exposition, 'slotpull_pull_duration_seconds_count', { engine, result })).toBe(0);
      expect(value(exposition, 'slotpull_pull_duration_seconds_bucket', { engine, result, le: '+Inf' })).toBe(0);
    }
    expect(value(exposition, 'slotpull_pull_queue_length', { engine })).toBe(0);
    expect(value(exposition, 'slotpull_pulls_running', { engine })).toBe(0);
    expect(value(exposition, 'slotpull_engine_up', { engine })).toBe(1);
    expect(value(exposition, 'slotpull_sse_clients')).toBe(0);
    expect(value(exposition, 'slotpull_build_info', { version: 'test' })).toBe(1);
  });

  it('counts a completed pull once however many POSTs join it: its bytes and its duration', async () => {
    useFakeClock();
    await post('chat');
    await post('code');
    const pull = runtime.pulls[0]!;
    pull.push(dockerLine('Pulling fs layer', LAYER));
    pull.push(dockerLine('Downloading', LAYER, { current: 300, total: 1000 }));
    await settleTwice();
    let exposition = await scrape();
    expect(value(exposition, 'slotpull_pulls_started_total', { engine })).toBe(1);
    expect(value(exposition, 'slotpull_pulls_running', { engine })).toBe(1);
    expect(value(exposition, 'slotpull_pull_bytes_total', { engine })).toBe(300);

    await vi.advanceTimersByTimeAsync(42_000);
    pull.push(dockerLine('Downloading', LAYER, { current: 700, total: 1000 }));
    await settleTwice();
    expect(value(await scrape(), 'slotpull_pull_bytes_total', { engine })).toBe(700);
    pull.push(dockerLine('Download complete', LAYER));
    pull.push(dockerLine('Pull complete', LAYER));
    pull.end();
    await settleTwice();

    exposition = await scrape();
    expect(value(exposition, 'slotpull_pulls_started_total', { engine })).toBe(1);
    expect(value(exposition, 'slotpull_pulls_finished_total', { engine, result: 'completed' })).toBe(1);
    expect(value(exposition, 'slotpull_pulls_running', { engine })).toBe(0);
    // Counted up to 700 by the scrapes, the rest at the end: 1000 in all, nothing twice.
    expect(value(exposition, 'slotpull_pull_bytes_total', { engine })).toBe(1000);
    const duration = { engine, result: 'completed' };
    expect(value(exposition, 'slotpull_pull_duration_seconds_count', duration)).toBe(1);
    expect(value(exposition, 'slotpull_pull_duration_seconds_sum', duration)).toBe(42);
    expect(value(exposition, 'slotpull_pull_duration_seconds_bucket', { ...duration, le: '30' })).toBe(0);
    expect(value(exposition, 'slotpull_pull_duration_seconds_bucket', { ...duration, le: '60' })).toBe(1);
  });

  it('counts failed and cancelled pulls by result, with the bytes they got', async () => {
    await post('chat');
    runtime.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 250, total: 1000 }));
    runtime.pulls[0]!.end('registry unreachable: dial tcp 127.0.0.1:5000: connection refused');
    await post('big');
    runtime.pulls[1]!.push(dockerLine('Downloading', LAYER, { current: 40, total: 1000 }));
    await settleTwice();
    expect((await app.request('/api/slots/big/pull', { method: 'DELETE' })).status).toBe(200);
    await settleTwice();

    const exposition = await scrape();
    expect(value(exposition, 'slotpull_pulls_started_total', { engine })).toBe(2);
    expect(value(exposition, 'slotpull_pulls_finished_total', { engine, result: 'failed' })).toBe(1);
    expect(value(exposition, 'slotpull_pulls_finished_total', { engine, result: 'cancelled' })).toBe(1);
    expect(value(exposition, 'slotpull_pulls_finished_total', { engine, result: 'completed' })).toBe(0);
    expect(value(exposition, 'slotpull_pull_duration_seconds_count', { engine, result: 'failed' })).toBe(1);
    expect(value(exposition, 'slotpull_pull_duration_seconds_count', { engine, result: 'cancelled' })).toBe(1);
    expect(value(exposition, 'slotpull_pull_bytes_total', { engine })).toBe(290);
  });

  it('shows the queue: jobs beyond --max-pulls wait, and move up when one ends', async () => {
    http.start({ options: { maxConcurrentPulls: 1 } });
    await post('chat');
    await post('big');
    let exposition = await scrape();
    expect(value(exposition, 'slotpull_pulls_running', { engine })).toBe(1);
    expect(value(exposition, 'slotpull_pull_queue_length', { engine })).toBe(1);
    runtime.pulls[0]!.end();
    await settleTwice();
    exposition = await scrape();
    expect(value(exposition, 'slotpull_pulls_running', { engine })).toBe(1);
    expect(value(exposition, 'slotpull_pull_queue_length', { engine })).toBe(0);
    expect(runtime.pulls).toHaveLength(2);
  });

  it('labels each engine by its slots-file name, and shows one known to be down as 0', async () => {
    const gpu1 = new ScriptedRuntime('podman');
    const slots = {
      engines: { gpu1: 'unix:///tmp/gpu1.sock', gpu2: 'tcp://127.0.0.1:2375' },
      slots: [
        { name: 'local', provider: 'container', image: 'ghcr.io/acme/server:1' },
        { name: 'one', provider: 'container', image: 'ghcr.io/acme/server:1', engine: 'gpu1' },
      ],
    };
    http.start({ options: { engines: new Map<string, ScriptedRuntime>([['gpu1', gpu1], ['gpu2', new DownRuntime()]]) }, slots });
    await post('one');
    const exposition = await scrape();
    expect(value(exposition, 'slotpull_engine_up', { engine })).toBe(1);
    expect(value(exposition, 'slotpull_engine_up', { engine: 'gpu1' })).toBe(1);
    expect(value(exposition, 'slotpull_engine_up', { engine: 'gpu2' })).toBe(0);
    expect(value(exposition, 'slotpull_pulls_started_total', { engine: 'gpu1' })).toBe(1);
    expect(value(exposition, 'slotpull_pulls_started_total', { engine })).toBe(0);
    expect(value(exposition, 'slotpull_pulls_started_total', { engine: 'gpu2' })).toBe(0);
    expect(value(exposition, 'slotpull_pulls_running', { engine: 'gpu1' })).toBe(1);
  });

  it('counts the open SSE clients', async () => {
    const events = readSse(await app.request('/api/events'));
    const stream = readSse(await app.request('/api/slots/chat/pull/stream'));
    await events.next();
    await stream.next();
    expect(value(await scrape(), 'slotpull_sse_clients')).toBe(2);
    await events.close();
    await stream.close();
    await settle();
    expect(value(await scrape(), 'slotpull_sse_clients')).toBe(0);
  });

  it('counts requests by method, route template and status, whoever answered', async () => {
    await app.request('/api/slots/chat');
    await app.request('/api/slots/nope');
    await app.request('/api/health', { method: 'POST' });
    await app.request('/api/slots/chat/pull', { method: 'OPTIONS' });
    await app.request('/no/such/route');
    await app.request('/api/health', { method: 'FROBNICATE' });
    const requests = (labels: Record<string, string>) => value(exposition, 'slotpull_http_requests_total', labels);
    const exposition = await scrape();
    expect(requests({ method: 'GET', route: '/api/slots/{name}', status: '200' })).toBe(1);
    expect(requests({ method: 'GET', route: '/api/slots/{name}', status: '404' })).toBe(1);
    expect(requests({ method: 'POST', route: '/api/health', status: '405' })).toBe(1);
    expect(requests({ method: 'OPTIONS', route: '/api/slots/{name}/pull', status: '204' })).toBe(1);
    expect(requests({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(requests({ method: 'other', route: '/api/health', status: '405' })).toBe(1);
    expect(value(exposition, 'slotpull_http_request_duration_seconds_count', { method: 'GET', route: '/api/slots/{name}' })).toBe(2);
    // The scrape itself is counted once it is answered: the next one shows it.
    expect(value(await scrape(), 'slotpull_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);
  });

  it('keeps its label sets bounded under 1,000 random paths and methods', async () => {
    const method = fc.oneof(fc.constantFrom('GET', 'POST', 'DELETE', 'HEAD', 'PUT'), fc.stringMatching(/^[A-Z]{3,12}$/).filter((m) => !['CONNECT', 'TRACE', 'TRACK'].includes(m)));
    const requests = fc.sample(fc.tuple(method, fc.webPath({ size: 'medium' }), fc.webSegment()), { numRuns: 1000, seed: 17 });
    for (const [verb, path, segment] of requests) {
      const response = await app.request(`${path.startsWith('/') ? path : `/${path}`}/${segment}`, { method: verb });
      await response.body?.cancel();
      await app.request(`/api/slots/${segment || 'x'}`);
    }
    const exposition = await scrape();
    const series = [...exposition.samples].filter(([key]) => key.startsWith('slotpull_http_requests_total{'));
    const labels = (name: string) => new Set(series.map(([key]) => new RegExp(`${name}="([^"]*)"`).exec(key)?.[1]));
    // Routes: the route table's few and unmatched; methods: the standard ones and other; statuses: the app's few.
    expect(series.length).toBeLessThanOrEqual(30);
    const templates = [...Object.keys(openApiDocument('test').paths as object), '/', ELEMENTS_BUNDLE_PATH, DASHBOARD_BUNDLE_PATH, METRICS_PATH, UNMATCHED_ROUTE];
    for (const route of labels('route')) expect(templates).toContain(route);
    for (const verb of labels('method')) expect(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', OTHER_METHOD]).toContain(verb);
    for (const status of labels('status')) expect(status).toMatch(/^\d{3}$/);
    // Every request is counted, in one of those few series.
    expect(series.reduce((sum, [, count]) => sum + count, 0)).toBe(2 * requests.length);
  });

  it('is a read like the others: the token under --protect-reads, and the Host check', async () => {
    const access: SlotpullOptions['access'] = { token: 's3cret', protectReads: true, allowedHosts: [...LOOPBACK_HOSTS] };
    http.start({ options: { access } });
    const none = await app.request('/metrics');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'auth.required' } });
    expect((await app.request('/metrics', { headers: { Authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await app.request('/metrics?access_token=s3cret')).status).toBe(401);
    const rebound = await app.app.request('http://evil.example/metrics', { headers: { Authorization: 'Bearer s3cret' } });
    expect(rebound.status).toBe(403);
    const exposition = await scrape({ headers: { Authorization: 'Bearer s3cret' } });
    expect(value(exposition, 'slotpull_http_requests_total', { method: 'GET', route: '/metrics', status: '401' })).toBe(2);
    expect(value(exposition, 'slotpull_http_requests_total', { method: 'GET', route: '/metrics', status: '403' })).toBe(2);

    http.start({ options: { access: { token: 's3cret' } } });
    expect((await app.request('/metrics')).status).toBe(200);
  });

  it('takes GET and HEAD only', async () => {
    const refused = await app.request('/metrics', { method: 'POST' });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await app.request('/metrics', { method: 'HEAD' })).status).toBe(200);
  });

  it('keeps each app to its own series', async () => {
    const other = makeApp(new ScriptedRuntime());
    try {
      await post('chat');
      expect(value(await scrape(), 'slotpull_pulls_started_total', { engine })).toBe(1);
      expect(value(await scrape(undefined, other), 'slotpull_pulls_started_total', { engine })).toBe(0);
    } finally {
      other.close();
    }
  });
});
