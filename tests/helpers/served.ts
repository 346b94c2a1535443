/**
 * slotpull served over real HTTP on 127.0.0.1 (a free port), as
 * tests/engines/pull.test.ts does it, with what the fault and load tests
 * check afterwards: the server's open connections, and the engine sockets
 * node:http's global agent still holds.
 */
import { serve, type ServerType } from '@hono/node-server';
import { globalAgent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Slotpull } from '../../server/http/app.ts';

export interface Served {
  /** `http://127.0.0.1:<port>` */
  base: string;
  port: number;
  server: ServerType;
  /** Client connections the server holds now. */
  connections(): Promise<number>;
  /** Stops listening, drops every connection, closes slotpull (jobs, streams, timers). */
  close(): Promise<void>;
}

export async function serveSlotpull(slotpull: Slotpull): Promise<Served> {
  let server!: ServerType;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: slotpull.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;
  return {
    base,
    port,
    server,
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close() {
      closing ??= new Promise<void>((resolve) => {
        slotpull.close();
        server.close(() => resolve());
        (server as Server).closeAllConnections();
      });
      return closing;
    },
  };
}

/** Sockets node:http's global agent holds to a unix socket path: busy (a request on them) and idle (keep-alive). */
export function agentSocketsTo(socketPath: string): { busy: number; idle: number } {
  const count = (pool: NodeJS.ReadOnlyDict<unknown[]>) =>
    Object.entries(pool)
      .filter(([name]) => name.includes(socketPath))
      .reduce((sum, [, sockets]) => sum + (sockets?.length ?? 0), 0);
  return { busy: count(globalAgent.sockets), idle: count(globalAgent.freeSockets) };
}

/** Polls `probe` until it returns a value other than undefined; rejects with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, pollMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms${last === undefined ? '' : ` (last error: ${(last as Error).message})`}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
