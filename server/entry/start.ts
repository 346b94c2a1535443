/**
 * What every entry does before it listens: read the slots file, choose the
 * runtime, build the app. Node and Deno entries differ only in how they serve.
 */
import { randomUUID } from 'node:crypto';
import { ConfigError, loadConfig, readJsonFile } from '../config/load.ts';
import { registryAuthFromDockerConfig, type RegistryAuth } from '../runtimes/engine/registry-auth.ts';
import { LOOPBACK_HOSTS } from '../http/access.ts';
import { createSlotpull, type Slotpull } from '../http/app.ts';
import { parseEngineEndpoint } from '../core/engine-endpoint.ts';
import { createNamedEngine } from '../runtimes/engine/named-engine.ts';
import { selectRuntime } from '../runtimes/select.ts';
import { systemClock } from '../runtimes/system-clock.ts';
import { VERSION } from './version.ts';
import type { ServerOptions } from './options.ts';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export interface PreparedServer extends Slotpull {
  /** The lines to print first: which config and runtime, and why. */
  banner: string[];
}

export async function prepareServer(
  options: ServerOptions,
  env: Readonly<Record<string, string | undefined>>,
  log: (line: string) => void,
): Promise<PreparedServer> {
  const config = await loadConfig(options.config);
  const auth = options.dockerConfig === undefined ? undefined : await loadRegistryAuth(options.dockerConfig);
  const { runtime, reason } = await selectRuntime({
    mode: options.runtime,
    cli: options.cli,
    engine: options.engine,
    auth,
    demoConfig: config.isDemo,
    clock: systemClock,
    demoSeed: options.demoSeed,
    env,
  });
  const engines = new Map(
    Object.entries(config.engines).map(([name, address]) => [name, createNamedEngine(name, parseEngineEndpoint(address), systemClock, { auth })]),
  );
  // Asked now so the log says at once which named engines answer; one that is down only affects its own slots.
  const engineLines = await Promise.all(
    [...engines.values()].map((engine) =>
      engine.connect().then(
        (connected) => `engine "${engine.label}": ${connected.name} ${connected.version} at ${engine.endpoint.display}`,
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
    access: {
      token: options.token ?? null,
      protectReads: options.protectReads,
      allowOrigins: options.allowOrigins,
      // On loopback, only loopback names: a DNS-rebound page cannot pose as this origin.
      allowedHosts: LOOPBACK_NAMES.has(options.host) ? LOOPBACK_HOSTS : null,
    },
  });
  const banner = [
    `slotpull ${VERSION}: runtime ${runtime.name} (${reason})`,
    config.slots.length === 0
      ? `slots from ${config.source}: none — the dashboard and the API have nothing to show; add slots to the file (README, "Configuration") and restart`
      : `slots from ${config.source}: ${config.slots.map((slot) => slot.name).join(', ')}`,
    ...engineLines,
    `access: ${options.token === undefined ? 'no token (anyone who can reach the port may pull)' : options.protectReads ? 'token for reads and writes' : 'token for writes'}; browser origins: ${options.allowOrigins.join(', ') || 'this server only'}`,
  ];
  return { ...slotpull, banner };
}

/** Reads --docker-config; a bad file stops the server like a bad slots file. */
async function loadRegistryAuth(path: string): Promise<RegistryAuth> {
  const json = await readJsonFile(path, 'the docker config file', '--docker-config');
  try {
    return registryAuthFromDockerConfig(json, path);
  } catch (error) {
    throw new ConfigError([(error as Error).message]);
  }
}
