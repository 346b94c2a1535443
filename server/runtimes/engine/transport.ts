/**
 * HTTP to an engine as web-standard Responses: over a unix socket with
 * node:http (which Node and Deno both provide), over TCP with fetch. The
 * socket bridge keeps backpressure: the engine's stream pauses while the
 * reader is behind, and cancelling the body closes the socket.
 */
import { request, type IncomingMessage } from 'node:http';
import type { EngineEndpoint } from '../../core/engine-endpoint.ts';

export interface EngineRequest {
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export type EngineFetch = (path: string, init?: EngineRequest) => Promise<Response>;

/** Bytes buffered ahead of the reader before the socket is paused. */
const HIGH_WATER_BYTES = 64 * 1024;

export function engineFetch(endpoint: EngineEndpoint): EngineFetch {
  if (endpoint.kind === 'tcp') {
    return (path, init = {}) => fetch(`${endpoint.baseUrl}${path}`, { method: init.method ?? 'GET', headers: init.headers, signal: init.signal });
  }
  return (path, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const req = request(
        { socketPath: endpoint.path, path, method: init.method ?? 'GET', headers: { Host: 'localhost', ...init.headers }, signal: init.signal },
        (res) => {
          const status = res.statusCode ?? 502;
          const body = status === 204 || status === 304 ? null : webBody(res);
          resolve(new Response(body, { status, headers: webHeaders(res) }));
        },
      );
      req.on('error', reject);
      req.end();
    });
}

function webHeaders(res: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

function webBody(res: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 0) <= 0) res.pause();
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          controller.close();
        });
        // 'close' without 'end': the socket died mid-body (or the request was aborted).
        res.on('close', () => {
          if (settled) return;
          settled = true;
          controller.error(res.errored ?? new Error('the engine closed the connection before the response ended'));
        });
      },
      pull() {
        res.resume();
      },
      cancel() {
        settled = true;
        res.destroy();
      },
    },
    { highWaterMark: HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
}
