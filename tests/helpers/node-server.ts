/** The Node entry's server (server/node/server.ts) over a fetch, listening on 127.0.0.1 on a free port. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createNodeServer, type NodeServerOptions } from '../../server/node/server.ts';

export interface NodeServed {
  server: Server;
  port: number;
  /** Drops every connection and stops listening. */
  close(): Promise<void>;
}

export async function serveOnNode(fetch: (request: Request) => Response | Promise<Response>, options: NodeServerOptions = {}): Promise<NodeServed> {
  const server = createNodeServer(fetch, options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
