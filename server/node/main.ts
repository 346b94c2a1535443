/** The Node entry (`slotpull`, `npm start`): the app on node:http (server.ts) under the shared command line. */
import type { AddressInfo } from 'node:net';
import { runCommandLine, type Platform } from '../entry/run.ts';
import { createNodeServer } from './server.ts';

/** How long open responses may take to finish after a stop signal. */
const STOP_GRACE_MS = 1000;

const out = (text: string): void => void process.stdout.write(text);

const node: Platform = {
  serve: (fetch, port, hostname) =>
    new Promise((resolve, reject) => {
      const server = createNodeServer(fetch, { log: (line) => out(`${line}\n`) });
      server.once('error', reject);
      server.listen(port, hostname, () => {
        const info = server.address() as AddressInfo;
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        server.off('error', reject);
        resolve({
          url: `http://${host}:${info.port}/`,
          stop: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              // Streams have just been ended; give their last bytes a moment, then drop what is left (keep-alive sockets).
              server.closeIdleConnections();
              setTimeout(() => server.closeAllConnections(), STOP_GRACE_MS).unref();
            }),
        });
      });
    }),
  onStopSignal: (handler) => {
    process.once('SIGINT', () => handler('SIGINT'));
    process.once('SIGTERM', () => handler('SIGTERM'));
  },
  out,
  err: (text) => process.stderr.write(text),
};

const result = await runCommandLine(process.argv.slice(2), process.env, node);
if (result !== 'serving') process.exitCode = result;
