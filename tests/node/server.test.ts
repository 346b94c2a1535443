/**
 * Issue 14 on the Node entry's server (server/node/server.ts), over real
 * sockets on port 0: pipelined requests from a client that never reads, and
 * the requests Node refuses before the app — each with the error envelope,
 * a request id and a log line.
 */
import fc from 'fast-check';
import { METHODS } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOOPBACK_HOSTS } from '../../server/http/access.ts';
import { ErrorSchema } from '../../server/http/schemas.ts';
import { LOGGED_REFUSALS_PER_WINDOW } from '../../server/node/log-limit.ts';
import { MAX_WAITING_REQUESTS } from '../../server/node/pipelining.ts';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { serveOnNode, type NodeServed } from '../helpers/node-server.ts';
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
  let served: NodeServed;
  let port: number;
  let appCalls: number;
  let logged: string[];

  beforeEach(async () => {
    runtime = new ScriptedRuntime();
    app = makeApp(runtime, { access: { allowedHosts: LOOPBACK_HOSTS } });
    appCalls = 0;
    logged = [];
    const fetch = (req: Request) => {
      appCalls += 1;
      return app.app.fetch(req);
    };
    served = await serveOnNode(fetch, { log: (line) => logged.push(line) });
    port = served.port;
  });
  afterEach(async () => {
    app.close();
    await served.close();
  });

  const connections = () => new Promise<number>((resolve, reject) => served.server.getConnections((error, n) => (error ? reject(error) : resolve(n))));

  /** The refusal's envelope, checked: JSON, a request id in the header and in details, and the connection closed after it. */
  const expectRefusal = (answers: Answer[], status: number, code: string) => {
    expect(answers.map((a) => a.status)).toEqual([status]);
    const [answer] = answers as [Answer];
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers.connection).toBe('close');
    const { error } = ErrorSchema.parse(JSON.parse(answer.body));
    expect(error.code).toBe(code);
    expect(error.details.request_id).toBe(answer.headers['x-request-id']);
    expect(answer.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    return error;
  };

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

  describe('requests Node refuses before the app', () => {
    it.each([
      ['a NUL byte in the path', 400, 'validation.invalid', 'HPE_INVALID_URL', request('GET', '/api/\u0000x')],
      ['raw non-ASCII bytes in the path', 400, 'validation.invalid', 'HPE_INVALID_URL', request('GET', '/api/\u00ff\u00fe')],
      ['a method HTTP does not know', 400, 'validation.invalid', 'HPE_INVALID_METHOD', request('FOO', '/api/health')],
      ['a lower-case method', 400, 'validation.invalid', 'HPE_INVALID_METHOD', request('get', '/api/health')],
      ['a Content-Length that is no number', 400, 'validation.invalid', 'HPE_INVALID_CONTENT_LENGTH', request('POST', '/api/slots/chat/pull', { Host: '127.0.0.1', 'Content-Length': 'abc' })],
      ['conflicting Content-Lengths', 400, 'validation.invalid', 'HPE_UNEXPECTED_CONTENT_LENGTH', `POST /api/slots/chat/pull HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab`],
      ['Content-Length with Transfer-Encoding', 400, 'validation.invalid', 'HPE_INVALID_TRANSFER_ENCODING', request('POST', '/api/slots/chat/pull', { Host: '127.0.0.1', 'Content-Length': '3', 'Transfer-Encoding': 'chunked' })],
      ['a control character in Host', 400, 'validation.invalid', 'HPE_INVALID_HEADER_TOKEN', request('GET', '/api/health', { Host: '127.0.0.1\u0001' })],
      ['headers over 16 KB', 431, 'validation.too_large', 'HPE_HEADER_OVERFLOW', request('GET', '/api/health', { Host: '127.0.0.1', 'X-Big': 'a'.repeat(17_000) })],
      ['a broken request line', 400, 'validation.invalid', 'HPE_INVALID_VERSION', 'GET /api/health HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n'],
    ])('%s: %i %s, said by the parser (%s), never reaching the app', async (_what, status, code, parser, wire) => {
      const error = expectRefusal(await exchange(port, wire), status, code);
      expect(error.details.parser).toBe(parser);
      expect(error.message).toMatch(/^The request could not be parsed \(.+\): /);
      expect(appCalls).toBe(0);
      expect(logged).toEqual([expect.stringMatching(new RegExp(`^request ${error.details.request_id}: refused before the app \\(${parser} from 127\\.0\\.0\\.1:\\d+\\): ${status} ${code}$`))]);
    });

    it.each([
      ['no Host (HTTP/1.1)', 'Host', 'GET /api/health HTTP/1.1\r\n\r\n'],
      ['an empty Host', 'Host', 'GET /api/health HTTP/1.1\r\nHost:\r\n\r\n'],
      ['a Host with a space', 'Host, target', request('GET', '/api/health', { Host: 'a b' })],
    ])('%s: 400 from the adapter with the envelope (field %s), never reaching the app', async (_what, field, wire) => {
      const error = expectRefusal(await exchange(port, wire), 400, 'validation.invalid');
      expect(error.details.field).toBe(field);
      expect(appCalls).toBe(0);
      expect(logged).toHaveLength(1);
    });

    it('Expect other than 100-continue: 417 with the envelope', async () => {
      const error = expectRefusal(await exchange(port, request('POST', '/api/slots/chat/pull', { Host: '127.0.0.1', Expect: 'bogus' })), 417, 'validation.invalid');
      expect(error.details.field).toBe('Expect');
      expect(runtime.pulls).toHaveLength(0);
    });

    it('CONNECT: 405 with the envelope and Allow, where Node closed without a word', async () => {
      const answers = await exchange(port, request('CONNECT', '127.0.0.1:80', { Host: '127.0.0.1:80' }));
      const error = expectRefusal(answers, 405, 'route.method_not_allowed');
      expect(answers[0]?.headers.allow).toBe('GET, HEAD, POST, DELETE, OPTIONS');
      expect(error.details).toMatchObject({ method: 'CONNECT' });
    });

    it('answers any method outside http.METHODS with a 400 envelope, never the app (property)', async () => {
      const method = fc.stringMatching(/^[A-Za-z][A-Za-z-]{0,15}$/).filter((m) => !METHODS.includes(m));
      await fc.assert(
        fc.asyncProperty(method, async (m) => {
          expectRefusal(await exchange(port, request(m, '/api/health')), 400, 'validation.invalid');
        }),
        { numRuns: 25 },
      );
      expect(appCalls).toBe(0);
    });

    it('answers any raw control or non-ASCII byte in the path with a 400 envelope, never the app (property)', async () => {
      const raw = fc.oneof(fc.integer({ min: 0x00, max: 0x20 }), fc.integer({ min: 0x7f, max: 0xff })).map((code) => String.fromCharCode(code));
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: fc.constantFrom(...'abc/-.%09') , maxLength: 8 }), raw, async (before, bad) => {
          expectRefusal(await exchange(port, request('GET', `/api/${before}${bad}x`)), 400, 'validation.invalid');
        }),
        { numRuns: 40 },
      );
      expect(appCalls).toBe(0);
    });

    it('answers any Content-Length other than one decimal number with a 400 envelope (property)', async () => {
      const badLength = fc.string({ unit: fc.constantFrom(...'0123456789-+ xa.,e'), minLength: 1, maxLength: 12 }).filter((v) => !/^\s*\d+\s*$/.test(v));
      await fc.assert(
        fc.asyncProperty(badLength, async (length) => {
          expectRefusal(await exchange(port, request('DELETE', '/api/slots/chat/pull', { Host: '127.0.0.1', 'Content-Length': length })), 400, 'validation.invalid');
        }),
        { numRuns: 25 },
      );
      expect(appCalls).toBe(0);
    });

    it('starts no pull for any Host that is not a loopback name, with an envelope either way (property)', async () => {
      const loopback = new Set<string>(LOOPBACK_HOSTS);
      const host = fc.oneof(
        fc.domain(),
        fc.ipV4(),
        fc.string({ unit: fc.constantFrom(...'ab1.:-[]@_ '), maxLength: 20 }),
        fc.constantFrom('', ' ', 'localhost.', '127.0.0.1.evil.example', 'LOCALHOST:80x', '127.0.0.1, evil.example', '[::1', 'user@127.0.0.1'),
      );
      await fc.assert(
        fc.asyncProperty(
          host.filter((h) => !loopback.has(h.toLowerCase().replace(/:\d+$/, ''))),
          async (h) => {
            const answers = await exchange(port, request('POST', '/api/slots/chat/pull', { Host: h, Connection: 'close' }));
            expect(answers).toHaveLength(1);
            expect([400, 403]).toContain(answers[0]?.status);
            ErrorSchema.parse(JSON.parse(answers[0]!.body));
          },
        ),
        { numRuns: 60 },
      );
      expect(runtime.pulls).toHaveLength(0);
    });

    it('refuses an absolute-form target whose host or Host is not loopback (403), and serves one that is', async () => {
      const evilHost = await exchange(port, request('GET', `http://127.0.0.1:${port}/api/slots`, { Host: 'evil.example', Connection: 'close' }));
      expect(evilHost.map((a) => a.status)).toEqual([403]);
      const evilTarget = await exchange(port, request('GET', 'http://evil.example/api/slots', { Host: '127.0.0.1', Connection: 'close' }));
      expect(evilTarget.map((a) => a.status)).toEqual([403]);
      const fine = await exchange(port, request('GET', `http://127.0.0.1:${port}/api/slots`, { Host: `127.0.0.1:${port}`, Connection: 'close' }));
      expect(fine.map((a) => a.status)).toEqual([200]);
    });

    it('answers a good request pipelined before a malformed one, then closes without a word for the malformed one', async () => {
      const answers = await exchange(port, `${request('GET', '/api/health')}FOO / HTTP/1.1\r\n\r\n`);
      expect(answers.map((a) => a.status)).toEqual([200]);
      expect(logged).toEqual([expect.stringContaining('HPE_INVALID_METHOD')]);
    });

    it(`logs at most ${LOGGED_REFUSALS_PER_WINDOW} refusals a minute, however many come`, async () => {
      for (let i = 0; i < LOGGED_REFUSALS_PER_WINDOW + 5; i += 1) await exchange(port, request('FOO', '/'));
      expect(logged).toHaveLength(LOGGED_REFUSALS_PER_WINDOW);
    });
  });
});
