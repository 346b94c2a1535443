/** GatedSocket over a real TCP connection: the parser's side sees small slices, the rest of a socket passes through. */
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GatedSocket, SLICE_BYTES } from '../../server/node/gated-socket.ts';
import { waitFor } from '../helpers/served.ts';

describe('GatedSocket', () => {
  let server: Server;
  let client: Socket;
  afterEach(async () => {
    client?.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  /** One connection: the server's end wrapped, the client's end raw. */
  async function pair(): Promise<GatedSocket> {
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer(resolve);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    client.on('error', () => {}); // the server side closing first is part of some tests
    return new GatedSocket(await accepted);
  }

  it(`hands on every byte, in order, at most ${SLICE_BYTES} at a time, and ends when the client does`, async () => {
    const gated = await pair();
    const sizes: number[] = [];
    const chunks: Buffer[] = [];
    gated.on('data', (chunk: Buffer) => {
      sizes.push(chunk.length);
      chunks.push(chunk);
    });
    const ended = new Promise((resolve) => gated.once('end', resolve));
    const sent = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
    client.end(sent);
    await ended;
    expect(Buffer.concat(chunks).equals(sent)).toBe(true);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(SLICE_BYTES);
  });

  it('hands on nothing more once destroyed, and closes the socket', async () => {
    const gated = await pair();
    let received = 0;
    gated.on('data', (chunk: Buffer) => {
      received += chunk.length;
      gated.destroy();
    });
    client.write(Buffer.alloc(100_000, 1));
    await waitFor('the client to see the close', () => (client.destroyed || client.readableEnded ? true : undefined));
    expect(received).toBeLessThanOrEqual(SLICE_BYTES);
  });

  it('writes to the socket, and destroySoon ends it after the last write', async () => {
    const gated = await pair();
    let got = '';
    client.setEncoding('utf8');
    client.on('data', (text: string) => (got += text));
    const clientEnded = new Promise((resolve) => client.once('end', resolve));
    gated.cork();
    gated.write('one ');
    gated.write('two');
    gated.uncork();
    gated.destroySoon();
    await clientEnded;
    expect(got).toBe('one two');
    await waitFor('the gated socket destroyed', () => (gated.destroyed ? true : undefined));
  });

  it('forwards timeouts and addresses', async () => {
    const gated = await pair();
    expect(gated.remoteAddress).toBe('127.0.0.1');
    expect(gated.localPort).toBe((server.address() as AddressInfo).port);
    expect(gated.remotePort).toBe(client.localPort);
    const timedOut = new Promise((resolve) => gated.setTimeout(20, () => resolve('timeout')));
    expect(await timedOut).toBe('timeout');
    gated.setTimeout(0);
    expect(gated.setNoDelay(true)).toBe(gated);
    expect(gated.setKeepAlive(true, 1000)).toBe(gated);
  });
});
