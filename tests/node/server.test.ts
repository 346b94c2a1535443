/**
 * Issue 14 on the Node entry's server (server/node/server.ts), over real
 * sockets on port 0: pipelined requests from a client that never reads.
 */
import fc from 'fast-check';
import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOOPBACK_HOSTS } from '../../server/http/access.ts';
import { MAX_WAITING_REQUESTS } from '../../server/node/pipelining.ts';
import { createNodeServer } from '../../server/node/server.ts';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import { waitFor } from '../helpers/served.ts';

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Answers in a byte stream, each framed by its Content-Length (every answer here has one). */
function parseAnswers(bytes: Buffer): Answer[] {
  const answers: Answer[] = [];
  let at = 0;
  for (;;) {
    const end = bytes.indexOf('\r\n\r\n', at);
    if (end < 0) return answers;
    const [statusLine = '', ...lines] = bytes.toString('latin1', at, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    if (bytes.length < end + 4 + length) return answers;
    answers.push({ status: Number(statusLine.split(' ')[1]), headers, body: bytes.toString('utf8', end + 4, end + 4 + length) });
    at = end + 4 + length;
  }
}

/** Writes `request` and reads until the server closes the connection; rejects naming what it got when it does not. */
function exchange(port: number, request: string | Buffer, timeoutMs = 5000): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server did not close the connection within ${timeoutMs} ms; got ${JSON.stringify(Buffer.concat(chunks).toString('latin1', 0, 200))}`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = () => {
      clearTimeout(timer);
      resolve(parseAnswers(Buffer.concat(chunks)));
    };
    socket.on('end', () => {
      socket.end();
      done();
    });
    // A reset after the answer (the server closed with bytes of ours unread) still ends the exchange.
    socket.on('error', done);
    socket.write(typeof request === 'string' ? Buffer.from(request, 'latin1') : request);
  });
}

const request = (method: string, path: string, headers: Record<string, string> = { Host: '127.0.0.1' }) =>
  `${method} ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;

describe('the Node server (issue 14)', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;
  let server: Server;
  let port: number;
  let appCalls: number;
  let logged: string[];

  beforeEach(async () => {
    runtime = new ScriptedRuntime();
    app = makeApp(runtime, { access: { allowedHosts: LOOPBACK_HOSTS } });
    appCalls = 0;
    logged = [];
    server = createNodeServer(
      (req) => {
        appCalls += 1;
        return app.app.fetch(req);
      },
      { log: (line) => logged.push(line) },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    app.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const connections = () => new Promise<number>((resolve, reject) => server.getConnections((error, n) => (error ? reject(error) : resolve(n))));

  describe('pipelined requests', () => {
    it('a client that pipelines 5,000 requests and never reads: the app sees a few, the connection is closed, others are answered', async () => {
      const flood = Buffer.from(request('GET', '/api/openapi.json').repeat(5000));
      const socket: Socket = connect(port, '127.0.0.1');
      socket.pause();
      socket.on('error', () => {}); // the server's reset is the expected end
      socket.write(flood);
      await waitFor('the server to close the flooding connection', async () => ((await connections()) === 0 && appCalls > 0 ? true : undefined), 4000);
      // Before: Node parsed every 64 KiB read whole and the adapter answered all ~2,300 requests of two reads at once.
      expect(appCalls).toBeLessThanOrEqual(MAX_WAITING_REQUESTS + 1);
      expect(logged.filter((line) => line.includes(`more than ${MAX_WAITING_REQUESTS} pipelined requests`))).toHaveLength(1);
      socket.destroy();
      const health = await fetch(`http://127.0.0.1:${port}/api/health`);
      expect(health.status).toBe(200);
    });

    it(`answers a reading client's ${MAX_WAITING_REQUESTS + 1} pipelined requests, one by one and in order (property)`, async () => {
      const paths = ['/api/health', '/api/slots', '/api/slots/chat', '/api/openapi.json', '/api/slots/nope', '/', '/api/slots/chat/pull/status'];
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...paths), { minLength: 1, maxLength: MAX_WAITING_REQUESTS + 1 }), async (chosen) => {
          const wire = chosen
            .map((path, i) => request('GET', path, { Host: '127.0.0.1', 'X-Request-Id': `r${i}`, ...(i === chosen.length - 1 ? { Connection: 'close' } : {}) }))
            .join('');
          const answers = await exchange(port, wire);
          expect(answers.map((a) => a.headers['x-request-id'])).toEqual(chosen.map((_, i) => `r${i}`));
          expect(answers.map((a) => a.status)).toEqual(chosen.map((path) => (path === '/api/slots/nope' ? 404 : 200)));
        }),
        { numRuns: 15 },
      );
      expect(logged).toEqual([]);
    });
  });
});
