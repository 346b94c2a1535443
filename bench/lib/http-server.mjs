// Serving a Hono app on 127.0.0.1 for a benchmark, and closing it for good.
import { serve } from '@hono/node-server';

/**
 * @param {(request: Request) => Response | Promise<Response>} fetch
 * @returns {Promise<{ base: string, port: number, server: import('node:http').Server, close(): Promise<void> }>}
 */
export function listen(fetch) {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      server.off('error', reject);
      resolve({
        base: `http://127.0.0.1:${info.port}`,
        port: info.port,
        server,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections?.();
          }),
      });
    });
    server.once('error', reject);
  });
}
