/**
 * The app on node:http, through @hono/node-server's request listener, with
 * each connection handed to Node's parser a slice at a time
 * (gated-socket.ts) and answered one request at a time; one with more than
 * 32 requests waiting is closed (pipelining.ts): a client that pipelines and
 * never reads holds one answer, not thousands.
 * Not listening yet: the caller listens (the entry on its port, tests on 0).
 */
import { getRequestListener } from '@hono/node-server';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { rateLimitedLog } from './log-limit.ts';
import { GatedSocket } from './gated-socket.ts';
import { MAX_WAITING_REQUESTS, PipelineGate } from './pipelining.ts';

export interface NodeServerOptions {
  /** Where closed connections are logged, at most ten lines a minute; nothing is logged without it. */
  log?: (line: string) => void;
  /** Requests a connection may have waiting behind the one being answered (default {@link MAX_WAITING_REQUESTS}). */
  maxWaitingRequests?: number;
}

type Fetch = (request: Request) => Response | Promise<Response>;

export function createNodeServer(fetch: Fetch, options: NodeServerOptions = {}): Server {
  const log = options.log === undefined ? () => {} : rateLimitedLog(options.log);
  const maxWaiting = options.maxWaitingRequests ?? MAX_WAITING_REQUESTS;
  const gate = new PipelineGate(getRequestListener(fetch), {
    maxWaiting,
    onOverflow: (socket) => log(`closed the connection from ${peerOf(socket)}: more than ${maxWaiting} pipelined requests were waiting for answers`),
  });
  const server = createServer(gate.listener);
  // Node's own connection listener gets every TCP socket wrapped: its parser then reads through the gate.
  const [parseConnection, ...others] = server.listeners('connection') as Array<(socket: Duplex) => void>;
  if (parseConnection === undefined || others.length > 0) throw new Error('node:http: expected exactly one connection listener on a new server');
  server.removeListener('connection', parseConnection);
  server.on('connection', (socket: Socket) => parseConnection.call(server, new GatedSocket(socket)));
  return server;
}

function peerOf(socket: Duplex | Socket): string {
  const { remoteAddress, remotePort } = socket as Partial<Socket>;
  return remoteAddress === undefined ? 'a closed socket' : `${remoteAddress}:${remotePort}`;
}
