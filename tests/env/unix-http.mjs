// Plain HTTP over a unix socket (or TCP), node:http only: how the test
// environment and the real-engine tests talk to dockerd and podman directly,
// without going through slotpull. Types: unix-http.d.mts.
import http from 'node:http';

/** A request that gets no answer at all within this time is a failure. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Opens a request and resolves with the response head; the body is left
 * unread, so a caller can stream it (pull progress) or abort it.
 * @param {import('./unix-http.d.mts').EngineRequest} req
 * @returns {Promise<import('node:http').IncomingMessage>}
 */
export function openEngineRequest(req) {
  const { socket, method = 'GET', path, headers = {}, body, signal, timeoutMs = DEFAULT_TIMEOUT_MS } = req;
  const target = parseTarget(socket);
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    /** @type {Record<string, string>} */
    const allHeaders = { host: 'engine', ...headers };
    if (payload !== undefined) {
      allHeaders['content-type'] ??= 'application/json';
      allHeaders['content-length'] = String(Buffer.byteLength(payload));
    }
    const request = http.request({ ...target, method, path, headers: allHeaders, signal, agent: false });
    request.setTimeout(timeoutMs, () => {
      request.destroy(new Error(`${method} ${path} on ${socket}: no answer within ${timeoutMs} ms`));
    });
    request.once('response', (res) => {
      // The timeout guards the head only; a slow pull body is legitimate.
      request.setTimeout(0);
      resolve(res);
    });
    request.once('error', reject);
    request.end(payload);
  });
}

/**
 * Sends a request and reads the whole answer as text.
 * @param {import('./unix-http.d.mts').EngineRequest} req
 * @returns {Promise<import('./unix-http.d.mts').EngineResponse>}
 */
export async function engineRequest(req) {
  const res = await openEngineRequest(req);
  const chunks = [];
  for await (const chunk of res) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return { status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) };
}

/**
 * `unix:///path`, a bare `/path`, or `tcp://host:port` / `http://host:port`.
 * @param {string} socket
 */
function parseTarget(socket) {
  if (socket.startsWith('unix://')) return { socketPath: socket.slice('unix://'.length) };
  if (socket.startsWith('/')) return { socketPath: socket };
  const url = new URL(socket.replace(/^tcp:/, 'http:'));
  return { host: url.hostname, port: Number(url.port) };
}
