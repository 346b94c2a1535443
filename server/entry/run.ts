/**
 * The command line, shared by the Node and Deno entries: parse flags, load
 * the slots file, choose the runtime, listen, stop cleanly on a signal. The
 * platform supplies only how to serve and how to hear signals.
 */
import { ConfigError } from '../config/load.ts';
import { parseServerArgs, USAGE } from './options.ts';
import { prepareServer } from './start.ts';

export interface Listening {
  url: string;
  /** Stops accepting and ends open responses (SSE streams would hold the server open). */
  stop(): Promise<void>;
}

export interface Platform {
  serve(fetch: (request: Request) => Response | Promise<Response>, port: number, host: string): Promise<Listening>;
  onStopSignal(handler: (signal: string) => void): void;
  out(text: string): void;
  err(text: string): void;
}

/** Exit codes: 0 help or a clean stop, 1 cannot listen, 2 bad flags or files, or a state directory that cannot be used. */
export async function runCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, platform: Platform): Promise<number | 'serving'> {
  const parsed = parseServerArgs(argv, env);
  if (parsed.kind === 'help') {
    platform.out(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    platform.err(`slotpull: ${parsed.message}\n`);
    return 2;
  }
  const { options } = parsed;
  const log = (line: string): void => platform.out(`${line}\n`);
  let prepared;
  try {
    prepared = await prepareServer(options, env, log);
  } catch (error) {
    const lines = error instanceof ConfigError ? error.problems : [(error as Error).message];
    for (const line of lines) platform.err(`slotpull: ${line}\n`);
    return 2;
  }
  for (const line of prepared.banner) log(line);
  let listening: Listening;
  try {
    listening = await platform.serve(prepared.app.fetch, options.port, options.host);
  } catch (error) {
    platform.err(`slotpull: cannot listen on ${options.host}:${options.port}: ${(error as Error).message}\n`);
    await prepared.stop();
    return 1;
  }
  log(`listening on ${listening.url}`);
  let stopping = false;
  platform.onStopSignal((signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping; ${runningPullsFate(prepared.activePulls(), prepared.state.choice.kind === 'dir')}`);
    void Promise.all([prepared.stop(), listening.stop()]);
  });
  return 'serving';
}

/** What a stop does to the pulls running now, in words for the log. */
function runningPullsFate(running: number, kept: boolean): string {
  if (running === 0) return 'no pull is running';
  const pulls = running === 1 ? '1 running pull' : `${running} running pulls`;
  return kept ? `${pulls} left to be taken up again by the next start` : `${pulls} end with the process (--state-dir none)`;
}
