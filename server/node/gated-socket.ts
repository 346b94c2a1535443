/**
 * A TCP connection as node:http sees it, fed to its parser a slice at a time.
 *
 * Node's parser reads a socket in 64 KiB reads and parses each read whole:
 * 64 KiB of small pipelined requests is ~1,150 requests made at once (each
 * an IncomingMessage and a ServerResponse, ~20 µs of CPU here), even when
 * the connection was closed at the first of them. Fed through this stream,
 * the parser sees at most {@link SLICE_BYTES} before the server can close the
 * connection, and no more after; the socket is read only once its last read
 * has been parsed, so TCP pushes back on a client that sends faster.
 *
 * node:http takes any Duplex as a connection (its `connection` event docs);
 * this one forwards what Node asks of a socket (timeouts, addresses,
 * `destroySoon`) to the real one.
 */
import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/** Bytes handed to the HTTP parser at once: ~18 of the smallest pipelined requests, or one ordinary request. */
export const SLICE_BYTES = 1024;

export class GatedSocket extends Duplex {
  readonly #socket: Socket;
  /** Read from the socket, not yet handed to the parser. */
  #pending: Buffer = Buffer.alloc(0);
  /** The reader asked for more (`_read`) and has not been given it yet. */
  #wanted = false;
  #ended = false;

  constructor(socket: Socket) {
    super({ allowHalfOpen: true, readableHighWaterMark: SLICE_BYTES });
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
      // Nothing more from the socket until these bytes are parsed.
      socket.pause();
      this.#feed();
    });
    socket.on('end', () => {
      this.#ended = true;
      this.#feed();
    });
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('error', (error) => this.destroy(error));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.#wanted = true;
    this.#feed();
  }

  /** Hands the parser one slice when it wants one; reads the socket when nothing is left. */
  #feed(): void {
    if (!this.#wanted || this.destroyed) return;
    if (this.#pending.length === 0) {
      if (this.#ended) this.push(null);
      else this.#socket.resume();
      return;
    }
    const slice = this.#pending.subarray(0, SLICE_BYTES);
    this.#pending = this.#pending.subarray(slice.length);
    this.#wanted = false;
    // The parser runs inside this call (flowing mode); the server may close the connection before the next slice.
    this.push(slice);
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#socket.write(chunk, encoding, callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    this.#socket.cork();
    chunks.forEach(({ chunk, encoding }, i) => this.#socket.write(chunk, encoding, i === chunks.length - 1 ? callback : undefined));
    this.#socket.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    callback(error);
  }

  /** What net.Socket#destroySoon does, which node:http calls after an answer with `Connection: close`. */
  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.#socket.setTimeout(ms);
    if (callback !== undefined) this.once('timeout', callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.#socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.#socket.setKeepAlive(enable, initialDelay);
    return this;
  }

  get remoteAddress(): string | undefined {
    return this.#socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.#socket.remotePort;
  }

  get remoteFamily(): string | undefined {
    return this.#socket.remoteFamily;
  }

  get localAddress(): string | undefined {
    return this.#socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.#socket.localPort;
  }
}
