// The client side of the flood benchmark, its own process (forked by
// flood.mjs so that writing the flood does not delay the health probes):
// sockets that write many pipelined requests at once and never read.
import { connect } from 'node:net';
import { serveCommands } from './lib/child.mjs';

/** @type {import('node:net').Socket[]} */
let sockets = [];

serveCommands(
  {
    /** Opens `sockets` connections; each writes `requests` pipelined GETs of `path` and never reads. */
    async start({ port, sockets: count, requests, path }) {
      const flood = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`.repeat(requests));
      sockets = await Promise.all(
        Array.from({ length: count }, () =>
          new Promise((resolve) => {
            const socket = connect(port, '127.0.0.1', () => {
              socket.write(flood);
              resolve(socket);
            });
            // Never read: the point of the flood.
            socket.pause();
            // A reset by the server is what the benchmark measures, not a failure.
            socket.on('error', () => {});
          }),
        ),
      );
      return { sockets: sockets.length, bytes_per_socket: flood.length };
    },
    /** Every socket leaves at once. */
    leave() {
      for (const socket of sockets) socket.destroy();
      sockets = [];
      return {};
    },
  },
  {},
);
