// The throttling proxy on its own, in front of a tiny fake registry on port 0
// (no engine needed: this runs in the "unit" project). Pacing is measured in
// real time, with wide bounds: that is the behaviour under test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blobBytes, proxyClient } from './proxy-client.ts';
import { startThrottleProxy } from './throttle-proxy.mjs';
import type { ThrottleProxy } from './throttle-proxy.mjs';

const BLOB = `sha256:${'ab'.repeat(32)}`;
const BLOB_PATH = `/v2/slotpull/fake/blobs/${BLOB}`;
const BLOB_SIZE = 600_000;
/** 600 kB at 2 MB/s: 0.3 s. */
const RATE_BPS = 2_000_000;

let upstream: http.Server;
let proxy: ThrottleProxy;

beforeEach(async () => {
  const body = Buffer.alloc(BLOB_SIZE, 7);
  upstream = http.createServer((req, res) => {
    if (req.url === BLOB_PATH) res.writeHead(200, { 'content-length': String(BLOB_SIZE) }).end(body);
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await startThrottleProxy({ target: { host: '127.0.0.1', port: (upstream.address() as AddressInfo).port }, rate: RATE_BPS });
});

afterEach(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

/** GET through the proxy; resolves with the byte count and the time taken. */
function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: proxy.host, port: proxy.port, path, headers, agent: false }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started }));
      res.once('error', reject);
    });
    req.once('error', reject);
  });
}

describe('throttle proxy', () => {
  it('paces a body to the rate and counts what it delivered', async () => {
    const { status, bytes, ms } = await get(BLOB_PATH);

    expect([status, bytes]).toEqual([200, BLOB_SIZE]);
    expect(ms).toBeGreaterThan(200);
    expect(ms).toBeLessThan(1_500);
    const stats = proxy.stats();
    expect(stats).toMatchObject({ requests: 1, blobRequests: 1, rangeRequests: 0, bytes: BLOB_SIZE, activeRequests: 0, rate: RATE_BPS, down: false });
    expect(blobBytes(stats, BLOB)).toBe(BLOB_SIZE);
  });

  it('rate 0 is unthrottled, and setRate applies to a running transfer', async () => {
    proxy.setRate(0);
    expect((await get(BLOB_PATH)).ms).toBeLessThan(200);

    proxy.setRate(100_000);
    const slow = get(BLOB_PATH);
    await waitUntil(() => proxy.stats().bytes > 0);
    proxy.setRate(0);
    // At 100 kB/s the rest would take about 6 s.
    expect((await slow).ms).toBeLessThan(1_000);
    expect(() => proxy.setRate(-1)).toThrow(/'rate' must be a number of bytes\/s >= 0/);
  });

  it('breakAll destroys transfers in flight', async () => {
    proxy.setRate(100_000);
    const pending = get(BLOB_PATH, { range: 'bytes=0-' });
    await waitUntil(() => proxy.stats().bytes > 0);

    expect(proxy.breakAll()).toBe(1);

    await expect(pending).rejects.toThrow(/aborted|socket hang up|ECONNRESET/);
    await waitUntil(() => proxy.stats().activeRequests === 0 && proxy.stats().openSockets === 0);
    expect(proxy.stats()).toMatchObject({ rangeRequests: 1 });
  });

  it('setDown refuses connections, then serves again on the same port', async () => {
    await proxy.setDown(true);
    await expect(get('/v2/')).rejects.toThrow(/ECONNREFUSED/);

    await proxy.setDown(false);
    expect((await get('/v2/')).status).toBe(404);
  });

  it('pause holds a running body with its connection open, and it goes on after', async () => {
    proxy.setRate(400_000);
    const pending = get(BLOB_PATH);
    await waitUntil(() => proxy.stats().bytes > 0);
    proxy.setPaused(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const held = proxy.stats();
    await new Promise((resolve) => setTimeout(resolve, 400));
    // 400 ms at 400 kB/s would be 160 kB: not one byte went out, and the connection is still open.
    expect(proxy.stats()).toMatchObject({ bytes: held.bytes, openSockets: 1, paused: true });
    expect(held.bytes).toBeLessThan(BLOB_SIZE);
    proxy.setPaused(false);
    expect(await pending).toMatchObject({ status: 200, bytes: BLOB_SIZE });
  });

  it('answers the control endpoints used by tests in workers', async () => {
    const client = proxyClient(proxy.controlUrl);
    await get('/v2/');

    expect(await client.stats()).toMatchObject({ requests: 1, rate: RATE_BPS });
    expect(await client.setRate(5)).toMatchObject({ rate: 5 });
    expect(await client.breakAll()).toBe(0);
    expect(await client.setDown(true)).toMatchObject({ down: true });
    expect(await client.setDown(false)).toMatchObject({ down: false });
    expect(await client.setPaused(true)).toMatchObject({ paused: true });
    expect(await client.setPaused(false)).toMatchObject({ paused: false });
    expect(await client.reset()).toMatchObject({ requests: 0, bytes: 0, bytesByPath: {} });
    await expect(client.setRate(Number.NaN)).rejects.toThrow(/HTTP 400/);
    const unknown = await fetch(new URL('nothing', proxy.controlUrl));
    expect(unknown.status).toBe(404);
    await unknown.body?.cancel();
  });
});

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${check.toString()}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
