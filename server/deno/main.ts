/**
 * The Deno entry: the same app under `Deno.serve(app.fetch)`. Run it with
 * the permissions it needs (README, "Running on Deno"): --allow-env with
 * ENV_VARIABLES, and read and write on the state directory, e.g.
 *   STATE=${XDG_STATE_HOME:-$HOME/.local/state}/slotpull && mkdir -p "$STATE"
 *   deno run --allow-env=PORT,SLOTPULL_CONFIG,…,SSH_AUTH_SOCK,NODE_V8_COVERAGE \
 *     --allow-read=.,"$STATE" --allow-write="$STATE" --allow-net=127.0.0.1 \
 *     server/deno/main.ts --runtime demo
 * plus, for a TLS engine, --allow-read of its CA, certificate and key, and
 * for an ssh engine --allow-run=ssh.
 */
import { ENV_VARIABLES } from '../entry/options.ts';
import { runCommandLine, type Platform } from '../entry/run.ts';

/** The few Deno APIs used here, declared so the Node build type-checks this file too. */
declare const Deno: {
  args: string[];
  env: { get(name: string): string | undefined };
  exitCode: number;
  serve(
    options: { port: number; hostname: string; onListen?: (address: { hostname: string; port: number }) => void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void> };
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  stdout: { writeSync(bytes: Uint8Array): number };
  stderr: { writeSync(bytes: Uint8Array): number };
};

const encoder = new TextEncoder();

const deno: Platform = {
  serve: (fetch, port, hostname) =>
    new Promise((resolve, reject) => {
      try {
        const server = Deno.serve(
          {
            port,
            hostname,
            onListen: (address) => {
              const host = address.hostname.includes(':') ? `[${address.hostname}]` : address.hostname;
              resolve({ url: `http://${host}:${address.port}/`, stop: () => server.shutdown() });
            },
          },
          fetch,
        );
      } catch (error) {
        reject(error);
      }
    }),
  onStopSignal: (handler) => {
    Deno.addSignalListener('SIGINT', () => handler('SIGINT'));
    Deno.addSignalListener('SIGTERM', () => handler('SIGTERM'));
  },
  out: (text) => void Deno.stdout.writeSync(encoder.encode(text)),
  err: (text) => void Deno.stderr.writeSync(encoder.encode(text)),
};

const env = Object.fromEntries(ENV_VARIABLES.map((name) => [name, Deno.env.get(name)]));
const result = await runCommandLine(Deno.args, env, deno);
if (result !== 'serving') Deno.exitCode = result;
