/**
 * The Node entry: `slotpull [options]`. Exit codes: 0 after a clean stop,
 * 2 for bad flags or a bad slots file, 1 when the server cannot start.
 */
import { serve } from '@hono/node-server';
import { ConfigError } from '../config/load.ts';
import { parseServerArgs, USAGE } from '../entry/options.ts';
import { prepareServer } from '../entry/start.ts';

const log = (line: string): void => console.log(line);

async function main(): Promise<void> {
  const parsed = parseServerArgs(process.argv.slice(2), process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (parsed.kind === 'error') {
    console.error(`slotpull: ${parsed.message}`);
    process.exitCode = 2;
    return;
  }
  const { options } = parsed;
  let prepared;
  try {
    prepared = await prepareServer(options, process.env, log);
  } catch (error) {
    const lines = error instanceof ConfigError ? error.problems : [(error as Error).message];
    for (const line of lines) console.error(`slotpull: ${line}`);
    process.exitCode = 2;
    return;
  }
  for (const line of prepared.banner) log(line);

  const server = serve({ fetch: prepared.app.fetch, port: options.port, hostname: options.host }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    log(`listening on http://${host}:${info.port}/`);
  });
  server.on('error', (error) => {
    console.error(`slotpull: cannot listen on ${options.host}:${options.port}: ${error.message}`);
    prepared.close();
    process.exitCode = 1;
  });

  const stop = (signal: string): void => {
    log(`${signal}: stopping; running pulls are cancelled`);
    prepared.close();
    server.close();
    // Open SSE responses would keep the server up; end them.
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

await main();
