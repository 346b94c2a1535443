/**
 * The engine transport over a real unix socket (a plain node:http server on
 * a socket path: the transport, not an engine, is under test here).
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engineFetch } from '../../../server/runtimes/engine/transport.ts';

const TOTAL_BYTES = 32 * 1024 * 1024;
const CHUNK = new Uint8Array(64 * 1024);

describe('engineFetch over a unix socket', () => {
  let dir: string;
  let server: Server;
  let socketPath: string;
  let written = 0;
  let closed: Promise<void>;
  let hangReceived: Promise<void>;

  /** Writes as fast as the socket drains, counting what it could send. */
  function stream(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const pump = (): void => {
      while (written < TOTAL_BYTES) {
        written += CHUNK.byteLength;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slotpull-transport-'));
    socketPath = join(dir, 'engine.sock');
    written = 0;
    let markClosed: () => void;
    closed = new Promise((resolve) => (markClosed = resolve));
    let markHang: () => void;
    hangReceived = new Promise((resolve) => (markHang = resolve));
    server = createServer((req, res) => {
      req.socket.on('close', () => markClosed());
      if (req.url === '/_ping') return void res.end('OK');
      if (req.url === '/stream') return stream(res);
      if (req.url === '/hang') return markHang();
      res.writeHead(404, { 'Content-Type': 'application/json', 'X-Test': 'a' }).end('{"message":"no such thing"}');
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  const call = () => engineFetch({ kind: 'unix', path: socketPath, display: `unix://${socketPath}` });

  it('answers as a web Response with status, headers and body', async () => {
    expect(await (await call()('/_ping')).text()).toBe('OK');
    const missing = await call()('/nothing');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-test')).toBe('a');
    expect(await missing.json()).toEqual({ message: 'no such thing' });
  });

  it('keeps backpressure: a reader that stops reading stops the engine writing', async () => {
    const response = await call()('/stream');
    const reader = response.body!.getReader();
    await reader.read();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Buffered between the two ends: socket buffers plus one high-water mark, far below the whole body.
    expect(written).toBeLessThan(TOTAL_BYTES / 4);
    await reader.cancel();
    await closed;
  });

  it('closes the socket when the request is aborted', async () => {
    const controller = new AbortController();
    const pending = call()('/hang', { signal: controller.signal });
    await hangReceived;
    controller.abort();
    await expect(pending).rejects.toThrow(/abort/i);
    await closed;
  });

  it('rejects when nothing listens on the socket', async () => {
    const nowhere = engineFetch({ kind: 'unix', path: join(dir, 'none.sock'), display: 'unix://none' });
    await expect(nowhere('/_ping')).rejects.toThrow(/ENOENT/);
  });
});
