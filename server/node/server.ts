/**
 * The app on node:http, through @hono/node-server's request listener, with
 * what Node decides before the app runs made safe and said in the app's words:
 * - each connection is handed to Node's parser a slice at a time
 *   (gated-socket.ts) and answered one request at a time; one with more
 *   than 32 requests waiting is closed (pipelining.ts): a client that
 *   pipelines and never reads holds one answer, not thousands;
 * - requests Node refuses (malformed, `CONNECT`, a bad `Expect`, a missing or
 *   bad Host) get the error envelope with a request id, and a log line
 *   (at most ten a minute: a flood of them cannot fill the log).
 * Not listening yet: the caller listens (the entry on its port, tests on 0).
 */
import { getRequestListener } from '@hono/node-server';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ApiError } from '../http/errors.ts';
import { requestIdFor } from '../http/request-id.ts';
import { rateLimitedLog } from './log-limit.ts';
import { GatedSocket } from './gated-socket.ts';
import { MAX_WAITING_REQUESTS, PipelineGate } from './pipelining.ts';
import {
  adapterRefusal,
  CONNECT_REFUSAL,
  EXPECTATION_REFUSAL,
  parserRefusal,
  rawRefusal,
  refusalBody,
  refusalHeaders,
  type ParserError,
} from './refusals.ts';

/** How long a refused connection may stay open for the client to read the refusal and hang up. */
export const REFUSAL_LINGER_MS = 2000;

export interface NodeServerOptions {
  /** Where refusals are logged, at most ten lines a minute; nothing is logged without it. */
  log?: (line: string) => void;
  /** Requests a connection may have waiting behind the one being answered (default {@link MAX_WAITING_REQUESTS}). */
  maxWaitingRequests?: number;
  /** Makes request ids (default `crypto.randomUUID()`). */
  newRequestId?: () => string;
}

type Fetch = (request: Request) => Response | Promise<Response>;

export function createNodeServer(fetch: Fetch, options: NodeServerOptions = {}): Server {
  const log = options.log === undefined ? () => {} : rateLimitedLog(options.log);
  const newRequestId = options.newRequestId ?? (() => crypto.randomUUID());

  const refuse = (error: ApiError, requestId: string, what: string): void =>
    log(`request ${requestId}: refused before the app (${what}): ${error.status} ${error.code}`);

  // No default host name: a request without a usable Host reaches errorHandler, not the app as 127.0.0.1.
  const listener = getRequestListener(fetch, {
    errorHandler: (thrown) => {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      const refusal = adapterRefusal(error);
      const requestId = newRequestId();
      refuse(refusal, requestId, refusal.status >= 500 ? `${error.stack ?? error.message}` : error.message);
      const body = refusalBody(refusal, requestId);
      // Closed after, like every refusal before the app: what follows on the connection is as doubtful.
      return new Response(body, { status: refusal.status, headers: { ...refusalHeaders(refusal, requestId, body), Connection: 'close' } });
    },
  });
  const maxWaiting = options.maxWaitingRequests ?? MAX_WAITING_REQUESTS;
  const gate = new PipelineGate(listener, {
    maxWaiting,
    onOverflow: (socket) => log(`closed the connection from ${peerOf(socket)}: more than ${maxWaiting} pipelined requests were waiting for answers`),
  });
  // requireHostHeader off: Node would answer a missing Host with a bare 400; the adapter's refusal has the envelope.
  const server = createServer({ requireHostHeader: false }, gate.listener);
  // Node's own connection listener gets every TCP socket wrapped: its parser then reads through the gate.
  const [parseConnection, ...others] = server.listeners('connection') as Array<(socket: Duplex) => void>;
  if (parseConnection === undefined || others.length > 0) throw new Error('node:http: expected exactly one connection listener on a new server');
  server.removeListener('connection', parseConnection);
  server.on('connection', (socket: Socket) => parseConnection.call(server, new GatedSocket(socket)));

  const refused = new WeakSet<Duplex>();
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    // A reset or a closed socket is the client leaving, not a refusal; a parser that failed repeats its error on later bytes.
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    if (refused.has(socket)) return;
    refused.add(socket);
    const refusal = parserRefusal(error);
    const requestId = newRequestId();
    refuse(refusal, requestId, `${error.code ?? 'parse error'} from ${peerOf(socket)}`);
    // Answers are sent in order: while one is under way, the malformed request's turn never comes; close after it.
    if (gate.idle(socket)) closeAfter(socket, rawRefusal(refusal, requestId));
    else gate.whenIdle(socket, () => closeAfter(socket));
  });
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    const requestId = requestIdFor(request.headers['x-request-id'] as string | undefined, newRequestId);
    refuse(CONNECT_REFUSAL, requestId, `CONNECT from ${peerOf(socket)}`);
    // The socket is ours now, out of Node's parser: read what the client still sends, so closing does not reset it.
    socket.resume();
    closeAfter(socket, rawRefusal(CONNECT_REFUSAL, requestId));
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const requestId = requestIdFor(request.headers['x-request-id'] as string | undefined, newRequestId);
    refuse(EXPECTATION_REFUSAL, requestId, `Expect from ${peerOf(request.socket)}`);
    const body = refusalBody(EXPECTATION_REFUSAL, requestId);
    // Close: a body the client may send next is not a request.
    response.writeHead(EXPECTATION_REFUSAL.status, { ...refusalHeaders(EXPECTATION_REFUSAL, requestId, body), Connection: 'close' });
    response.end(body);
  });
  return server;
}

/** Ends the connection after `last`; destroys it when the client has not hung up within {@link REFUSAL_LINGER_MS}. */
function closeAfter(socket: Duplex, last?: Buffer): void {
  // An error after a refusal (a reset as the client leaves) needs no handling: the socket is being closed anyway.
  socket.on('error', () => {});
  if (last === undefined) socket.end();
  else socket.end(last);
  const linger = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS);
  linger.unref();
  socket.once('close', () => clearTimeout(linger));
}

function peerOf(socket: Duplex | Socket): string {
  const { remoteAddress, remotePort } = socket as Partial<Socket>;
  return remoteAddress === undefined ? 'a closed socket' : `${remoteAddress}:${remotePort}`;
}
