/** The Node entry (`slotpull`, `npm start`): @hono/node-server under the shared command line. */
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { runCommandLine, type Platform } from '../entry/run.ts';

/** How long open responses may take to finish after a stop signal. */
const STOP_GRACE_MS = 1000;

const node: Platform = {
  serve: (fetch, port, hostname) =>
    new Promise((resolve, reject) => {
      const server = serve({ fetch, port, hostname }, (info: AddressInfo) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        server.off('error', reject);
        resolve({
          url: `http://${host}:${info.port}/`,
          stop: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              // Streams have just been ended; give their last bytes a moment, then drop what is left (keep-alive sockets).
              const sockets = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
              sockets.closeIdleConnections?.();
              setTimeout(() => sockets.closeAllConnections?.(), STOP_GRACE_MS).unref();
            }),
        });
      });
      server.once('error', reject);
    }),
  onStopSignal: (handler) => {
    process.once('SIGINT', () => handler('SIGINT'));
    process.once('SIGTERM', () => handler('SIGTERM'));
  },
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

const result = await runCommandLine(process.argv.slice(2), process.env, node);
if (result !== 'serving') process.exitCode = result;
