/**
 * Command-line flags and environment variables → server options. Pure: the
 * entries pass argv and env in, and print what comes back.
 */

import { parseEngineEndpoint } from '../core/engine-endpoint.ts';
import { RUNTIME_MODES, type RuntimeMode } from '../runtimes/modes.ts';

export interface ServerOptions {
  config: string | undefined;
  port: number;
  host: string;
  runtime: RuntimeMode;
  cli: string | undefined;
  /** --engine: the engine's address (unix://, tcp:// or ssh://). */
  engine: string | undefined;
  /** --engine-context: a docker context whose engine is the server's own (DOCKER_CONTEXT is read with the other variables). */
  engineContext: string | undefined;
  /** --allow-plain-tcp: plain HTTP to an engine on another host is accepted (and the log says the risk). */
  allowPlainTcp: boolean;
  /** --docker-config: a docker config.json with registry credentials. */
  dockerConfig: string | undefined;
  /** Seconds a finished pull stays visible. */
  keepFinishedS: number;
  /** Seed of the demo runtime, for repeatable demos and tests. */
  demoSeed: number | undefined;
  /** --token / SLOTPULL_TOKEN: required for POST and DELETE (and reads with --protect-reads). */
  token: string | undefined;
  protectReads: boolean;
  /** --allow-origin, repeatable: origins a browser may call the API from. */
  allowOrigins: string[];
  /** --public-url, repeatable: URLs a proxy serves slotpull at (their origins count as its own, their names pass the Host check). */
  publicUrls: URL[];
  /** --max-pulls: engine pulls at once per engine. */
  maxPulls: number;
  /** --state-dir: where pulls outlive the process (`none`: memory only); absent: the XDG default. */
  stateDir: string | undefined;
  /** --history-days: days a finished pull stays in the history. */
  historyDays: number;
}

export type ParsedArgs = { kind: 'help' } | { kind: 'run'; options: ServerOptions } | { kind: 'error'; message: string };

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_KEEP_FINISHED_S = 600;
export const DEFAULT_MAX_PULLS = 3;
export const DEFAULT_HISTORY_DAYS = 14;
/** Ten years: a larger number is a typo, not a retention. */
const MAX_HISTORY_DAYS = 3650;

export const USAGE = `Usage: slotpull [options]

Serves slot image pulls with live progress over Server-Sent Events.

Options:
  --config PATH        slots file (env SLOTPULL_CONFIG); without one, the built-in demo config
  --port N             port to listen on (env PORT; default ${DEFAULT_PORT}; 0 picks a free one)
  --host ADDR          address to listen on (default ${DEFAULT_HOST})
  --runtime MODE       auto | engine | cli | demo (default auto: the first that works)
  --cli PATH           docker or podman binary for the cli runtime (env SLOTPULL_CLI)
  --engine ADDR        engine API address: unix:///path.sock, tcp://host:port or ssh://[user@]host[:port]
                       (env DOCKER_HOST with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, CONTAINER_HOST;
                       default: the usual sockets)
  --engine-context NAME  a docker context's engine and certificates (env DOCKER_CONTEXT)
  --allow-plain-tcp    accept plain tcp:// to an engine on another host (anyone who reaches it controls it)
  --docker-config PATH docker config.json whose credentials are sent to the engine
  --keep-finished S    seconds a finished pull stays visible (default ${DEFAULT_KEEP_FINISHED_S})
  --demo-seed N        seed of the demo runtime's simulated pulls
  --max-pulls N        engine pulls at once per engine; more wait in order (default 3)
  --state-dir DIR      where running pulls and the history outlive a restart (default
                       $XDG_STATE_HOME/slotpull, else ~/.local/state/slotpull); none: memory only
  --history-days N     days a finished pull stays in the history, GET /api/pulls (default ${DEFAULT_HISTORY_DAYS})
  --token TOKEN        require Authorization: Bearer TOKEN for POST and DELETE (env SLOTPULL_TOKEN)
  --protect-reads      require the token for reads too (SSE routes also take ?ticket= and ?access_token=)
  --allow-origin URL   an origin that browsers may call the API from (repeatable), e.g. http://dash.lan:3000
  --public-url URL     the URL a reverse proxy serves slotpull at (repeatable), e.g. https://dash.example/slotpull:
                       pages there count as this server's own, and its name passes the Host check (docs/proxy.md)
  --help               print this help
`;

type Env = Readonly<Record<string, string | undefined>>;

/** Every environment variable slotpull reads (Deno grants exactly these with --allow-env). */
export const ENV_VARIABLES = [
  'PORT',
  'SLOTPULL_CONFIG',
  'SLOTPULL_CLI',
  'SLOTPULL_TOKEN',
  'DOCKER_HOST',
  'DOCKER_TLS_VERIFY',
  'DOCKER_TLS',
  'DOCKER_CERT_PATH',
  'DOCKER_CONTEXT',
  'DOCKER_CONFIG',
  'CONTAINER_HOST',
  'XDG_RUNTIME_DIR',
  'XDG_STATE_HOME',
  'HOME',
  'PATH',
  // ssh:// engines: the agent's socket is passed to ssh; Deno's node:child_process reads NODE_V8_COVERAGE when it spawns.
  'SSH_AUTH_SOCK',
  'NODE_V8_COVERAGE',
] as const;

const VALUE_FLAGS = [
  'config',
  'port',
  'host',
  'runtime',
  'cli',
  'engine',
  'engine-context',
  'docker-config',
  'keep-finished',
  'demo-seed',
  'token',
  'allow-origin',
  'public-url',
  'max-pulls',
  'state-dir',
  'history-days',
] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];
const REPEATABLE: readonly ValueFlag[] = ['allow-origin', 'public-url'];
const SWITCHES = ['protect-reads', 'allow-plain-tcp'] as const;
const ORIGIN_PATTERN = /^https?:\/\/[^/\s]+$/;
const PUBLIC_URL_PROTOCOLS = ['http:', 'https:'];

export function parseServerArgs(argv: readonly string[], env: Env): ParsedArgs {
  const values = new Map<ValueFlag, string>();
  const origins: string[] = [];
  const publicUrls: URL[] = [];
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (SWITCHES.some((name) => arg === `--${name}`)) {
      switches.add(arg.slice(2));
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const flag = VALUE_FLAGS.find((name) => name === match?.[1]);
    if (match === null || flag === undefined) {
      return { kind: 'error', message: `unknown ${arg.startsWith('-') ? 'flag' : 'argument'} "${arg}"; run slotpull --help for the flags` };
    }
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '') return { kind: 'error', message: `--${flag} needs a value; run slotpull --help` };
    if (values.has(flag) && !REPEATABLE.includes(flag)) return { kind: 'error', message: `--${flag} is given twice; give it once` };
    values.set(flag, value);
    if (flag === 'allow-origin') {
      if (!ORIGIN_PATTERN.test(value)) {
        return { kind: 'error', message: `--allow-origin "${value}" is not an origin; write scheme://host[:port] with no path, e.g. http://dash.lan:3000` };
      }
      origins.push(value);
    }
    if (flag === 'public-url') {
      const url = URL.canParse(value) ? new URL(value) : null;
      if (url === null || !PUBLIC_URL_PROTOCOLS.includes(url.protocol) || url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
        return { kind: 'error', message: `--public-url "${value}" is not a URL pages use; write http(s)://host[:port][/path], e.g. https://dash.example/slotpull` };
      }
      publicUrls.push(url);
    }
  }
  const token = values.get('token') ?? nonEmpty(env.SLOTPULL_TOKEN);
  if (switches.has('protect-reads') && token === undefined) {
    return { kind: 'error', message: '--protect-reads needs a token: pass --token or set SLOTPULL_TOKEN' };
  }

  const engine = values.get('engine');
  if (engine !== undefined) {
    if (values.has('engine-context')) return { kind: 'error', message: '--engine and --engine-context both name the engine; give one' };
    try {
      parseEngineEndpoint(engine);
    } catch (error) {
      return { kind: 'error', message: `--engine: ${(error as Error).message}` };
    }
  }

  const runtime = values.get('runtime') ?? 'auto';
  if (!RUNTIME_MODES.includes(runtime as RuntimeMode)) {
    return { kind: 'error', message: `--runtime "${runtime}" is not one of ${RUNTIME_MODES.join(', ')}` };
  }
  const port = integerIn(values.get('port') ?? env.PORT, DEFAULT_PORT, 0, 65535, values.has('port') ? '--port' : 'PORT');
  const keep = integerIn(values.get('keep-finished'), DEFAULT_KEEP_FINISHED_S, 0, 7 * 24 * 3600, '--keep-finished');
  const seed = integerIn(values.get('demo-seed'), 0, 0, 2 ** 32 - 1, '--demo-seed');
  const maxPulls = integerIn(values.get('max-pulls'), DEFAULT_MAX_PULLS, 1, 100, '--max-pulls');
  const historyDays = integerIn(values.get('history-days'), DEFAULT_HISTORY_DAYS, 0, MAX_HISTORY_DAYS, '--history-days');
  for (const result of [port, keep, seed, maxPulls, historyDays]) if (typeof result === 'string') return { kind: 'error', message: result };

  return {
    kind: 'run',
    options: {
      config: values.get('config') ?? nonEmpty(env.SLOTPULL_CONFIG),
      port: port as number,
      host: values.get('host') ?? DEFAULT_HOST,
      runtime: runtime as RuntimeMode,
      cli: values.get('cli') ?? nonEmpty(env.SLOTPULL_CLI),
      engine,
      engineContext: values.get('engine-context'),
      allowPlainTcp: switches.has('allow-plain-tcp'),
      dockerConfig: values.get('docker-config'),
      keepFinishedS: keep as number,
      demoSeed: values.has('demo-seed') ? (seed as number) : undefined,
      token,
      protectReads: switches.has('protect-reads'),
      allowOrigins: origins,
      publicUrls,
      maxPulls: maxPulls as number,
      stateDir: values.get('state-dir'),
      historyDays: historyDays as number,
    },
  };
}

/** The number, or a message saying what is wrong with it. */
function integerIn(text: string | undefined, fallback: number, min: number, max: number, name: string): number | string {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) return `${name} must be a whole number from ${min} to ${max}, got "${text}"`;
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
