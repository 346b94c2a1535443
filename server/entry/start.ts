/**
 * What every entry does before it listens: read the slots file, choose the
 * runtime, build the app. Node and Deno entries differ only in how they serve.
 */
import { randomUUID } from 'node:crypto';
import { cwd } from 'node:process';
import { ConfigError, loadConfig, readJsonFile, type LoadedConfig } from '../config/load.ts';
import { describeTakeUp } from '../core/registry/take-up-jobs.ts';
import { credentialsFromDockerConfig, type RegistryCredentials } from '../runtimes/engine/registry-auth.ts';
import { hostName, LOOPBACK_HOSTS } from '../http/access.ts';
import { rateLimitedLog } from '../node/log-limit.ts';
import { createSlotpull, type Slotpull } from '../http/app.ts';
import { describeEndpoint, type EngineSpec } from '../core/engine-endpoint.ts';
import { createNamedEngine, type NamedEngine } from '../runtimes/engine/named-engine.ts';
import type { EngineOptions } from '../runtimes/engine/engine.ts';
import { plainTcpWarning, resolveEngine } from '../runtimes/engine/resolve.ts';
import { sshEnvironment } from '../runtimes/engine/ssh-dial.ts';
import { selectRuntime } from '../runtimes/select.ts';
import { systemClock } from '../runtimes/system-clock.ts';
import { VERSION } from './version.ts';
import type { ServerOptions } from './options.ts';
import { openServerState, type ServerState } from './state.ts';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface PreparedServer extends Slotpull {
  /** The lines to print first: which config, runtime and state directory, and why; then the pulls taken up again. */
  banner: string[];
  /** How the state is kept: the stop message says what becomes of running pulls. */
  state: ServerState;
  /** Stops the app (streams, pulls, timers), then writes and closes the state and releases its lock. */
  stop(): Promise<void>;
}

export async function prepareServer(
  options: ServerOptions,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<PreparedServer> {
  const config = await loadConfig(options.config);
  // Before the runtime is chosen: a second server on the same directory stops at once.
  const state = await openServerState({ flag: options.stateDir, historyDays: options.historyDays, cwd: cwd(), env, log });
  try {
    return await assemble(options, env, log, config, state);
  } catch (error) {
    await state.close();
    throw error;
  }
}

async function assemble(
  options: ServerOptions,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
  config: LoadedConfig,
  state: ServerState,
): Promise<PreparedServer> {
  const credentials = options.dockerConfig === undefined ? undefined : await loadRegistryCredentials(options.dockerConfig);
  // One line per pull whose manifest could not be read; a registry that is down for every pull cannot fill the log.
  const planLog = rateLimitedLog(log);
  const engines = await namedEngines(config.engines, config.source, options, env, { credentials, log: planLog });
  const { runtime, reason, warnings } = await selectRuntime({
    mode: options.runtime,
    cli: options.cli,
    engine: options.engine,
    engineContext: options.engineContext,
    allowPlainTcp: options.allowPlainTcp,
    credentials,
    log: planLog,
    demoConfig: config.isDemo,
    clock: systemClock,
    demoSeed: options.demoSeed,
    env,
  });
  // Asked now so the log says at once which named engines answer; one that is down only affects its own slots.
  const engineLines = await Promise.all(
    [...engines.values()].map((engine) =>
      engine.connect().then(
        (connected) => `engine "${engine.label}": ${connected.name} ${connected.version} at ${describeEndpoint(engine.endpoint)}`,
        (error: Error) => `${error.message} — its slots show unknown until it answers`,
      ),
    ),
  );
  const slotpull = createSlotpull({
    slots: config.slots,
    runtime,
    engines,
    clock: systemClock,
    newJobId: () => `p_${randomUUID().replaceAll('-', '')}`,
    version: VERSION,
    retainFinishedMs: options.keepFinishedS * 1000,
    maxConcurrentPulls: options.maxPulls,
    log,
    // A flood of refused requests cannot fill the log: ten lines a minute, then a count.
    logRefusal: rateLimitedLog(log),
    history: state.history,
    access: {
      token: options.token ?? null,
      protectReads: options.protectReads,
      allowOrigins: options.allowOrigins,
      publicOrigins: options.publicUrls.map((url) => url.origin),
      // On loopback, only loopback names and those of the public URLs: a DNS-rebound page cannot pose as this origin.
      allowedHosts: LOOPBACK_NAMES.has(options.host) ? [...LOOPBACK_HOSTS, ...publicHosts(options.publicUrls)] : null,
    },
  });
  const banner = [
    `slotpull ${VERSION}: runtime ${runtime.name} (${reason})`,
    config.slots.length === 0
      ? `slots from ${config.source}: none — the dashboard and the API have nothing to show; add slots to the file (README, "Configuration") and restart`
      : `slots from ${config.source}: ${config.slots.map((slot) => slot.name).join(', ')}`,
    ...warnings,
    ...engineLines,
    ...[...engines.values()].flatMap((engine) => {
      const warning = plainTcpWarning(engine.endpoint);
      return warning === null ? [] : [`engine "${engine.label}": ${warning}`];
    }),
    ...state.banner,
    `access: ${options.token === undefined ? 'no token (anyone who can reach the port may pull)' : options.protectReads ? 'token for reads and writes' : 'token for writes'}; browser origins: ${options.allowOrigins.join(', ') || 'this server only'}`,
    ...options.publicUrls.map((url) => `public URL: ${url.href} (pages there are this server's own; Host ${url.host} is answered)`),
    ...slotpull.takenUp.map(describeTakeUp),
  ];
  const close = (): void => {
    slotpull.close();
    for (const engine of engines.values()) engine.close();
    if ('close' in runtime && typeof runtime.close === 'function') runtime.close();
  };
  return {
    ...slotpull,
    banner,
    close,
    state,
    stop: async () => {
      close();
      await state.close();
    },
  };
}

/**
 * The slots file's engines, each resolved now (contexts and TLS files read):
 * one that can never work stops the server with one line per problem.
 */
async function namedEngines(
  specs: Readonly<Record<string, EngineSpec>>,
  source: string,
  options: ServerOptions,
  env: Readonly<Record<string, string | undefined>>,
  engineOptions: Pick<EngineOptions, 'credentials' | 'log'>,
): Promise<Map<string, NamedEngine>> {
  const resolved = await Promise.allSettled(
    Object.entries(specs).map(async ([name, spec]) => {
      const endpoint = await resolveEngine(spec, { env, allowPlainTcp: options.allowPlainTcp });
      return [name, createNamedEngine(name, endpoint, systemClock, { ...engineOptions, transport: { ssh: { env: sshEnvironment(env) } } })] as const;
    }),
  );
  const names = Object.keys(specs);
  const problems = resolved.flatMap((result, index) => (result.status === 'rejected' ? [`${source}: engines.${names[index]}: ${(result.reason as Error).message}`] : []));
  if (problems.length > 0) throw new ConfigError(problems);
  return new Map(resolved.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : [])));
}

/** The Host names of the public URLs, as the Host check compares them. */
function publicHosts(urls: readonly URL[]): string[] {
  return urls.map((url) => hostName(url.host)).filter((name): name is string => name !== null);
}

/** Reads --docker-config; a bad file stops the server like a bad slots file. */
async function loadRegistryCredentials(path: string): Promise<RegistryCredentials> {
  const json = await readJsonFile(path, 'the docker config file', '--docker-config');
  try {
    return credentialsFromDockerConfig(json, path);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}
