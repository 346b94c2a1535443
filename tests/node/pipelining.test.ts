/** PipelineGate on a real node:http server: one answer at a time per connection, and a bound on what waits. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PipelineGate } from '../../server/node/pipelining.ts';
import { waitFor } from '../helpers/served.ts';

describe('PipelineGate', () => {
  let server: Server;
  let sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    sockets = [];
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A server whose answers the test sends itself: `held` is every request that reached the handler, in order. */
  async function start(maxWaiting: number) {
    /** `afterFinished`: whether the connection's previous answer had been sent when this request arrived. */
    const held: Array<{ path: string; response: ServerResponse; afterFinished: boolean }> = [];
    const overflows: unknown[] = [];
    const handle = (request: IncomingMessage, response: ServerResponse) => {
      const previous = held.findLast((h) => h.response.req.socket === request.socket);
      held.push({ path: request.url ?? '', response, afterFinished: previous === undefined || previous.response.writableFinished });
    };
    const gate = new PipelineGate(handle, {
      maxWaiting,
      onOverflow: (socket) => overflows.push(socket),
    });
    server = createServer(gate.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const received: string[] = [];
    const open = (paths: string[]) => {
      const socket = connect(port, '127.0.0.1');
      sockets.push(socket);
      socket.setEncoding('latin1');
      socket.on('data', (text: string) => received.push(text));
      socket.on('error', () => {}); // a reset by the server is what the overflow test expects
      socket.write(paths.map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join(''));
      return socket;
    };
    return { gate, held, overflows, open, answered: () => received.join('').match(/HTTP\/1\.1 200/g)?.length ?? 0 };
  }

  it('hands a connection its next request only when the answer before it has been sent', async () => {
    const { held, open, answered } = await start(8);
    open(['/a', '/b', '/c']);
    for (let i = 0; i < 3; i += 1) {
      await waitFor(`request ${i + 1}`, () => (held.length === i + 1 ? true : undefined));
      held[i]!.response.end(String(i));
    }
    await waitFor('three answers', () => (answered() === 3 ? true : undefined));
    expect(held.map((h) => [h.path, h.afterFinished])).toEqual([
      ['/a', true],
      ['/b', true],
      ['/c', true],
    ]);
  });

  it('serves connections independently', async () => {
    const { held, open } = await start(8);
    open(['/one']);
    open(['/two']);
    await waitFor('both first requests', () => (held.length === 2 ? true : undefined));
    expect(held.map((h) => h.path).sort()).toEqual(['/one', '/two']);
  });

  it('closes a connection with more than maxWaiting requests waiting, once, and forgets them', async () => {
    const { held, overflows, open } = await start(2);
    const socket = open(['/1', '/2', '/3', '/4', '/5', '/6']);
    await waitFor('the connection closed', () => (socket.destroyed || socket.readableEnded ? true : undefined));
    expect(overflows).toHaveLength(1);
    expect(held.map((h) => h.path)).toEqual(['/1']);
  });

  it('keeps a connection whose waiting requests stay within maxWaiting', async () => {
    const { held, overflows, open } = await start(2);
    open(['/1', '/2', '/3']);
    await waitFor('the first request', () => (held.length === 1 ? true : undefined));
    for (let i = 0; i < 3; i += 1) {
      await waitFor(`request ${i + 1}`, () => (held.length === i + 1 ? true : undefined));
      held[i]!.response.end();
    }
    expect(overflows).toEqual([]);
  });

  it('runs whenIdle at once on an idle connection, else after its last answer', async () => {
    const { gate, held, open } = await start(8);
    open(['/a', '/b']);
    await waitFor('the first request', () => (held.length === 1 ? true : undefined));
    const socket = held[0]!.response.req.socket;
    expect(gate.idle(socket)).toBe(false);
    let idle = false;
    gate.whenIdle(socket, () => (idle = true));
    held[0]!.response.end();
    await waitFor('the second request', () => (held.length === 2 ? true : undefined));
    expect(idle).toBe(false);
    held[1]!.response.end();
    await waitFor('whenIdle', () => (idle ? true : undefined));
    expect(gate.idle(socket)).toBe(true);
    let atOnce = false;
    gate.whenIdle(socket, () => (atOnce = true));
    expect(atOnce).toBe(true);
  });

  it('refuses a bound that cannot work', () => {
    expect(() => new PipelineGate(() => {}, { maxWaiting: -1 })).toThrow("'maxWaiting' must be a non-negative integer, got -1");
  });
});
