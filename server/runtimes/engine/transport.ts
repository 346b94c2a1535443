/**
 * HTTP to an engine as web-standard Responses: plain TCP with fetch; a unix
 * socket, TLS with client certificates, and ssh (an http.Agent whose
 * connections are ssh children) with node:http and node:https, which Node
 * and Deno both provide. The node bridge keeps backpressure: the engine's
 * stream pauses while the reader is behind, and cancelling the body closes
 * the connection.
 */
import { request as httpRequest, type Agent, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { EngineEndpoint } from '../../core/engine-endpoint.ts';
import { SshAgent, type SshAgentOptions } from './ssh-dial.ts';
import { explainTlsError } from './tls-failure.ts';

export interface EngineRequest {
  method?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface EngineFetch {
  (path: string, init?: EngineRequest): Promise<Response>;
  /** Ends kept-alive connections (and the ssh children behind them); later requests open new ones. */
  close?(): void;
}

/** Bytes buffered ahead of the reader before the connection is paused. */
const HIGH_WATER_BYTES = 64 * 1024;

export interface TransportOptions {
  /** For ssh:// engines: the ssh binary and how long idle connections live (tests use a stand-in). */
  ssh?: SshAgentOptions;
}

export function engineFetch(endpoint: EngineEndpoint, options: TransportOptions = {}): EngineFetch {
  switch (endpoint.kind) {
    case 'unix':
      return nodeFetch(httpRequest, { socketPath: endpoint.path }, undefined);
    case 'ssh':
      return nodeFetch(httpRequest, {}, new SshAgent(endpoint, options.ssh));
    case 'tcp': {
      const { host, port, tls } = endpoint;
      const hostname = host.replace(/^\[(.*)\]$/, '$1');
      if (tls === null) {
        return (path, init = {}) => fetch(`http://${host}:${port}${path}`, { method: init.method ?? 'GET', headers: init.headers, signal: init.signal });
      }
      const agent = new HttpsAgent({ keepAlive: true, ca: tls.ca, cert: tls.cert ?? undefined, key: tls.key ?? undefined });
      return nodeFetch(httpsRequest, { host: hostname, port }, agent, (error) => explainTlsError(error, endpoint.display, tls));
    }
  }
}

type Send = (options: RequestOptions, onResponse: (res: IncomingMessage) => void) => ClientRequest;

/** Requests through node:http(s) with fixed connection options (socket path, host and port) and agent. */
function nodeFetch(send: Send, target: RequestOptions, agent: Agent | undefined, explain?: (error: Error) => Error): EngineFetch {
  const call: EngineFetch = (path, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const req = send(
        { ...target, agent, path, method: init.method ?? 'GET', headers: { Host: 'localhost', ...init.headers }, signal: init.signal },
        (res) => {
          const status = res.statusCode ?? 502;
          const body = status === 204 || status === 304 ? null : webBody(res);
          resolve(new Response(body, { status, headers: webHeaders(res) }));
        },
      );
      req.on('error', (error) => reject(explain === undefined || init.signal?.aborted === true ? error : explain(error)));
      req.end();
    });
  if (agent !== undefined) call.close = () => agent.destroy();
  return call;
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
        // 'close' without 'end': the connection died mid-body (or the request was aborted).
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
