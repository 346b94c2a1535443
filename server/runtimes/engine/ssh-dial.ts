/**
 * An engine over ssh, as the docker CLI reaches one: the system's `ssh`
 * (so the user's config, agent and known_hosts apply) runs
 * `docker system dial-stdio` on the host — or `podman system dial-stdio`
 * where there is no docker — and HTTP flows over its stdin and stdout. Each
 * ssh child is one connection of an http.Agent: idle ones are kept a while
 * for the next request and then ended, and every child is ended when its
 * connection is, so none is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, type AgentOptions } from 'node:http';
import { Duplex } from 'node:stream';
import type { EngineEndpoint } from '../../core/engine-endpoint.ts';
import { explainSshFailure } from './ssh-failure.ts';
import { EngineTransportError } from './transport-error.ts';

type SshEndpoint = Extract<EngineEndpoint, { kind: 'ssh' }>;

/** ssh's own limit for the TCP connection and handshake; requests have shorter deadlines of their own. */
const CONNECT_TIMEOUT_S = 10;
/** An idle connection (and its ssh child) is ended after this long; a dashboard that polls keeps one warm. */
const IDLE_MS = 120_000;
/** ssh children at once per engine: pulls, listings and inspects together. */
const MAX_CONNECTIONS = 16;
/** The tail of ssh's stderr kept to explain a failure. */
const STDERR_TAIL_CHARS = 4096;

/** What ssh needs from our environment: where to find programs, the home it was started from, the agent. */
const SSH_VARIABLES = ['PATH', 'HOME', 'SSH_AUTH_SOCK'] as const;

export function sshEnvironment(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(SSH_VARIABLES.flatMap((name) => (env[name] === undefined ? [] : [[name, env[name]]])));
}

/** The remote command: docker's dial-stdio, else podman's; with a socket path, that engine's socket. */
export function remoteCommand(endpoint: SshEndpoint): string {
  if (endpoint.socketPath === null) {
    return 'if command -v docker >/dev/null 2>&1; then exec docker system dial-stdio; else exec podman system dial-stdio; fi';
  }
  // The path is restricted to [A-Za-z0-9._/-] by the parser: safe in a shell word.
  const url = `unix://${endpoint.socketPath}`;
  return `if command -v podman >/dev/null 2>&1; then exec podman --url ${url} system dial-stdio; else exec docker -H ${url} system dial-stdio; fi`;
}

/** The ssh argument list: never a prompt (BatchMode), never a tty, the user's config unless one is named. */
export function sshArguments(endpoint: SshEndpoint): string[] {
  return [
    ...(endpoint.sshConfig === null ? [] : ['-F', endpoint.sshConfig]),
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${CONNECT_TIMEOUT_S}`,
    '-T', '-x',
    ...(endpoint.user === null ? [] : ['-l', endpoint.user]),
    ...(endpoint.port === null ? [] : ['-p', String(endpoint.port)]),
    '--', endpoint.host.replace(/^\[(.*)\]$/, '$1'),
    remoteCommand(endpoint),
  ];
}

export interface SshAgentOptions {
  /** The ssh binary (default `ssh` on PATH). */
  command?: string;
  /** ssh's environment (see {@link sshEnvironment}); default this process's. */
  env?: Record<string, string>;
  /** How long an idle connection (and its child) is kept (default 2 min). */
  idleMs?: number;
}

/** An http.Agent whose connections are ssh children; `destroy()` ends them all. */
export class SshAgent extends Agent {
  readonly #endpoint: SshEndpoint;
  readonly #command: string;
  readonly #env: Record<string, string> | undefined;
  readonly #channels = new Set<SshChannel>();

  constructor(endpoint: SshEndpoint, options: SshAgentOptions = {}) {
    super({ keepAlive: true, maxSockets: MAX_CONNECTIONS, timeout: options.idleMs ?? IDLE_MS } satisfies AgentOptions);
    this.#endpoint = endpoint;
    this.#command = options.command ?? 'ssh';
    this.#env = options.env;
  }

  /** ssh children alive now (for tests and the benchmark). */
  get liveChildren(): number {
    return this.#channels.size;
  }

  override createConnection(_options: unknown, callback?: (error: Error | null, socket: Duplex) => void): Duplex {
    const channel = new SshChannel(this.#command, sshArguments(this.#endpoint), this.#endpoint.display, this.#env);
    this.#channels.add(channel);
    channel.once('close', () => this.#channels.delete(channel));
    callback?.(null, channel);
    return channel;
  }

  override destroy(): void {
    super.destroy();
    for (const channel of this.#channels) channel.destroy();
  }
}

/**
 * One ssh child as a socket: its stdout is what the engine says, its stdin
 * what we say. It ends when the child ends: cleanly when ssh exits 0, else
 * with one sentence on why (host key, refused key, no docker or podman).
 */
class SshChannel extends Duplex {
  readonly #child: ChildProcess;
  #stderr = '';
  #idleMs = 0;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;

  /** As net.Socket: the idle timeout in ms (0: none); http.Agent compares it with its own. */
  get timeout(): number {
    return this.#idleMs;
  }

  constructor(command: string, args: string[], target: string, env: Record<string, string> | undefined) {
    super({ allowHalfOpen: false });
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    this.#child = child;
    child.stdout?.on('data', (chunk: Buffer) => {
      this.#touch();
      if (!this.push(chunk)) child.stdout?.pause();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
    });
    // Writes after ssh is gone fail with EPIPE; the child's exit explains why.
    child.stdin?.on('error', () => undefined);
    child.once('error', (error: NodeJS.ErrnoException) => {
      const why = error.code === 'ENOENT' ? `there is no "${command}" on PATH (install the OpenSSH client)` : error.message;
      this.destroy(new EngineTransportError(`cannot run ssh for ${target}: ${why}`));
    });
    child.once('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0) this.push(null);
      else this.destroy(new EngineTransportError(explainSshFailure(this.#stderr, signal === null ? code : null, target)));
    });
  }

  override _read(): void {
    this.#child.stdout?.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#touch();
    if (this.#child.stdin?.writable !== true) return callback();
    this.#child.stdin.write(chunk, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#child.stdin?.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.#idleTimer);
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGTERM');
    callback(error);
  }

  /**
   * As net.Socket: emit 'timeout' after `ms` without traffic (the agent ends
   * idle connections so); 0 turns it off and removes `callback`, as Node does,
   * so a connection used again and again collects no listeners.
   */
  setTimeout(ms: number, callback?: () => void): this {
    this.#idleMs = ms;
    if (callback !== undefined) {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    this.#touch();
    return this;
  }

  #touch(): void {
    clearTimeout(this.#idleTimer);
    if (this.#idleMs === 0 || this.destroyed) return;
    this.#idleTimer = setTimeout(() => this.emit('timeout'), this.#idleMs);
    // An idle pooled connection must not keep the process running (Node's timers have unref; Deno's are numbers).
    (this.#idleTimer as { unref?: () => void }).unref?.();
  }

  // The rest of net.Socket's surface that http.Agent calls: nothing to tune on a pipe.
  setKeepAlive(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
