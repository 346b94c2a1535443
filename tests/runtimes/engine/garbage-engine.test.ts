/**
 * An engine that answers garbage — non-JSON lines, one 10 MB line, invalid
 * UTF-8, alone or after lines a parser reads — and ends its stream without
 * an error, but has no image, fails the pull with pull.engine_error (the
 * closing inspect finds no image), and the server keeps serving. The engine here is a FAKE (a node:http server on a unix socket):
 * no real engine can be made to answer garbage on demand.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEngineEndpoint } from '../../../server/core/engine-endpoint.ts';
import { connectEngine } from '../../../server/runtimes/engine/engine.ts';
import { makeApp, type TestApp } from '../../helpers/app.ts';
import { readSse } from '../../helpers/sse-client.ts';

const TEN_MB = 10 * 1024 * 1024;

const ANSWERS: Record<string, (write: (chunk: string | Buffer) => void) => void> = {
  'not-json': (write) => write('<html><body>502 Bad Gateway</body></html>\nnot json either\n'),
  'huge-line': (write) => {
    const slab = 'x'.repeat(1024 * 1024);
    for (let written = 0; written < TEN_MB; written += slab.length) write(slab);
    write('\n');
  },
  'bad-utf8': (write) => write(Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a, 0xa0, 0xa1, 0x0a])),
  // Lines a parser reads, so the stream alone looks like a pull: only the engine's inspect tells.
  'json-with-bad-utf8': (write) => {
    write('{"status":"Pulling from feas/multi","id":"1"}\n{"status":"');
    write(Buffer.from([0xff, 0xfe, 0xc3, 0x28]));
    write('","id":"d9b9504b1033"}\n');
  },
  'progress-then-huge-line': (write) => {
    write('{"status":"Pulling fs layer","progressDetail":{},"id":"d9b9504b1033"}\n');
    ANSWERS['huge-line']!(write);
  },
};

describe('an engine that answers garbage (fake engine)', () => {
  let dir: string;
  let server: Server;
  let app: TestApp;
  let answer = 'not-json';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slotpull-garbage-'));
    const socketPath = join(dir, 'engine.sock');
    server = createServer((req, res) => {
      if (req.url === '/_ping') return void res.end('OK');
      if (req.url === '/version') return void res.end(JSON.stringify({ Version: '0.0-fake', Components: [{ Name: 'Engine' }] }));
      if (req.url?.startsWith('/images/create')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        ANSWERS[answer]!((chunk) => res.write(chunk));
        return void res.end();
      }
      res.writeHead(404).end('{"message":"No such image"}');
    });
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    app = makeApp(await connectEngine(parseEngineEndpoint(`unix://${socketPath}`)));
  });

  afterEach(async () => {
    app.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.keys(ANSWERS))('fails %s with pull.engine_error and keeps serving', async (kind) => {
    answer = kind;
    expect((await app.request('/api/slots/chat/pull', { method: 'POST' })).status).toBe(202);
    const sse = readSse(await app.request('/api/slots/chat/pull/stream?until=done'));
    const last = await sse.until((frame) => frame.state !== 'pulling');
    expect(last).toMatchObject({
      state: 'failed',
      error_code: 'pull.engine_error',
      error: expect.stringMatching(/^the engine ended the pull without error but has no image 127\.0\.0\.1:5000\/feas\/multi:1.*; pull again or look at the engine's log$/),
    });
    expect((await app.request('/api/health')).status).toBe(200);
    expect(await (await app.request('/api/slots/chat')).json()).toMatchObject({ image_status: 'missing' });
    expect(app.registry.runningPulls).toBe(0);
  });
});
