/**
 * One answer at a time per connection, and a bound on pipelined requests.
 *
 * Node pauses a connection with pipelined requests only once their answers
 * are queued in memory; @hono/node-server answers asynchronously, so while a
 * read is parsed nothing has been answered yet and every request of it (and
 * of the next read) reaches the app, whose answers then wait in memory for a
 * client that may never read them (issue 14: 20 sockets took 1.1 GB).
 *
 * Here a connection's next request reaches the app only when the answer
 * before it has been handed to the socket (HTTP/1.1 sends answers in order
 * anyway), so a client that does not read holds at most one answer. Requests
 * parsed meanwhile wait, unanswered and small; a connection with more than
 * `maxWaiting` of them pipelines deeper than any real client (browsers do
 * not pipeline at all) and is closed: its waiting requests go with it.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/** Requests a connection may have waiting behind the one being answered. */
export const MAX_WAITING_REQUESTS = 32;

export interface PipelineGateOptions {
  /** Default {@link MAX_WAITING_REQUESTS}. */
  maxWaiting?: number;
  /** Called for a connection closed for pipelining deeper than `maxWaiting`, just before it is destroyed. */
  onOverflow?: (socket: Duplex) => void;
}

interface Connection {
  answering: boolean;
  waiting: Array<[IncomingMessage, ServerResponse]>;
  /** Runs once nothing is being answered or waiting. */
  whenIdle: (() => void) | null;
}

export class PipelineGate {
  readonly #handle: RequestListener;
  readonly #maxWaiting: number;
  readonly #onOverflow: (socket: Duplex) => void;
  readonly #connections = new WeakMap<Duplex, Connection>();

  constructor(handle: RequestListener, options: PipelineGateOptions = {}) {
    const maxWaiting = options.maxWaiting ?? MAX_WAITING_REQUESTS;
    if (!Number.isSafeInteger(maxWaiting) || maxWaiting < 0) throw new RangeError(`'maxWaiting' must be a non-negative integer, got ${maxWaiting}`);
    this.#handle = handle;
    this.#maxWaiting = maxWaiting;
    this.#onOverflow = options.onOverflow ?? (() => {});
  }

  /** The server's request listener. */
  readonly listener = (request: IncomingMessage, response: ServerResponse): void => {
    const socket = request.socket;
    // Node finishes parsing the slice it was given when the connection was closed.
    if (socket.destroyed) return;
    const connection = this.#connectionOf(socket);
    if (!connection.answering) return this.#answer(socket, connection, request, response);
    if (connection.waiting.length < this.#maxWaiting) {
      connection.waiting.push([request, response]);
      return;
    }
    connection.waiting.length = 0;
    this.#onOverflow(socket);
    socket.destroy();
  };

  /** True when the connection has no request being answered or waiting. */
  idle(socket: Duplex): boolean {
    const connection = this.#connections.get(socket);
    return connection === undefined || !connection.answering;
  }

  /** Runs `then` once the connection's requests are all answered: at once when it is idle. */
  whenIdle(socket: Duplex, then: () => void): void {
    const connection = this.#connections.get(socket);
    if (connection === undefined || !connection.answering) return then();
    connection.whenIdle = then;
  }

  #connectionOf(socket: Duplex): Connection {
    let connection = this.#connections.get(socket);
    if (connection === undefined) {
      connection = { answering: false, waiting: [], whenIdle: null };
      this.#connections.set(socket, connection);
    }
    return connection;
  }

  #answer(socket: Duplex, connection: Connection, request: IncomingMessage, response: ServerResponse): void {
    connection.answering = true;
    let settled = false;
    const next = (): void => {
      if (settled) return;
      settled = true;
      if (socket.destroyed) {
        connection.answering = false;
        connection.waiting.length = 0;
        return;
      }
      const following = connection.waiting.shift();
      if (following === undefined) {
        connection.answering = false;
        const whenIdle = connection.whenIdle;
        connection.whenIdle = null;
        return whenIdle?.();
      }
      // After other connections' I/O: while the kernel takes answers at once, answering here at once would serve this connection alone.
      setImmediate(() => {
        if (socket.destroyed) connection.waiting.length = 0;
        else this.#answer(socket, connection, ...following);
      });
    };
    // 'finish': the answer is with the socket; 'close': the connection went first.
    response.once('finish', next);
    response.once('close', next);
    this.#handle(request, response);
  }
}
