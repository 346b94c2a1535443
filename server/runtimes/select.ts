/**
 * Picks the runtime for `--runtime`: `engine` (the Docker Engine API of
 * dockerd or podman), `cli` (a docker or podman binary), `demo`, or `auto`:
 * the first engine that answers /_ping, else a CLI that reaches its engine,
 * else the demo runtime. The choice and the reason go in the first log line.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { ContainerRuntime } from '../core/runtime.ts';
import { detectCliRuntime, type CliRuntimeOptions } from './cli.ts';
import { createDemoRuntime } from './demo.ts';
import type { RuntimeMode } from './modes.ts';
import { describeEndpoint, engineCandidates, type EngineEndpoint } from '../core/engine-endpoint.ts';
import { connectEngine, type EngineRuntime } from './engine/engine.ts';
import type { RegistryCredentials } from './engine/registry-auth.ts';
import { layerPlanReader } from './registry/layer-plan.ts';
import { createManifestReader } from './registry/reader.ts';
import { plainTcpWarning, resolveEngine } from './engine/resolve.ts';
import { sshEnvironment } from './engine/ssh-dial.ts';

export interface RuntimeChoice {
  runtime: ContainerRuntime;
  /** Why this runtime, for the first log line. */
  reason: string;
  /** Lines the log must show (a plain remote engine's risk). */
  warnings: string[];
}

export interface SelectRuntimeOptions {
  mode: RuntimeMode;
  /** --cli / SLOTPULL_CLI. */
  cli: string | undefined;
  /** --engine. */
  engine: string | undefined;
  /** --engine-context. */
  engineContext: string | undefined;
  /** --allow-plain-tcp. */
  allowPlainTcp: boolean;
  /** --docker-config's logins, for the engine's pulls and the manifest read beside them. */
  credentials: RegistryCredentials | undefined;
  /** The server's log: one line per pull whose manifest could not be read. */
  log?: (line: string) => void;
  /** True when the built-in demo config is in use: its images exist only in the demo runtime. */
  demoConfig: boolean;
  clock: Clock;
  demoSeed: number | undefined;
  /** For PATH, XDG_RUNTIME_DIR, DOCKER_HOST, CONTAINER_HOST, DOCKER_CONTEXT, DOCKER_CONFIG, HOME, the DOCKER_TLS variables and ssh's. */
  env: Readonly<Record<string, string | undefined>>;
}

const CLI_NAMES = ['docker', 'podman'] as const;
/** A usual socket whose engine takes longer than this to answer /_ping is not picked by auto. */
const PROBE_TIMEOUT_MS = 1500;

export async function selectRuntime(options: SelectRuntimeOptions): Promise<RuntimeChoice> {
  const demo = (reason: string): RuntimeChoice => ({
    runtime: createDemoRuntime({ clock: options.clock, seed: options.demoSeed }),
    reason,
    warnings: [],
  });
  switch (options.mode) {
    case 'demo':
      return demo('--runtime demo');
    case 'engine': {
      const { engine, tried } = await firstEngine(options);
      if (engine === undefined) throw new Error(`--runtime engine: ${tried.join('; ')}`);
      return { runtime: engine, reason: `--runtime engine: ${describe(engine)}`, warnings: engineWarnings(engine.endpoint) };
    }
    case 'cli': {
      const binary = options.cli ?? (await findOnPath(CLI_NAMES, options.env.PATH ?? ''))[0];
      if (binary === undefined) throw new Error('--runtime cli found neither docker nor podman on PATH; pass --cli PATH');
      return { runtime: await detectCliRuntime(binary, cliOptions(options)), reason: `--runtime cli with ${binary}`, warnings: [] };
    }
    case 'auto': {
      if (options.demoConfig) return demo('no slots file was given, and the built-in demo config runs on the demo runtime');
      const { engine, tried } = await firstEngine(options);
      if (engine !== undefined) return { runtime: engine, reason: describe(engine), warnings: engineWarnings(engine.endpoint) };
      const binaries = options.cli === undefined ? await findOnPath(CLI_NAMES, options.env.PATH ?? '') : [options.cli];
      for (const binary of binaries) {
        try {
          const runtime = await detectCliRuntime(binary, cliOptions(options));
          // Listing containers tells whether the CLI reaches its engine.
          const unreachable = await runtime.containerStates([]).then(
            () => null,
            (error: Error) => error.message,
          );
          if (unreachable === null) {
            return { runtime, reason: `no engine API answered (${tried.join('; ')}), but ${binary} reaches its engine`, warnings: [] };
          }
          tried.push(`${binary} cannot reach its engine (${unreachable})`);
        } catch (error) {
          tried.push((error as Error).message);
        }
      }
      return demo(`no working container runtime (${tried.join('; ')}); pulls are simulated`);
    }
  }
}

/**
 * The CLI's pulls get their layer plan too, read with --docker-config's
 * logins (the CLI's own login file is its own), for this host's platform,
 * and over plain HTTP from loopback only: a CLI does not say its engine's
 * insecure registries without one more command per start.
 */
function cliOptions(options: SelectRuntimeOptions): CliRuntimeOptions {
  return { readLayerPlan: layerPlanReader(createManifestReader({ credentials: options.credentials }), options.log) };
}

function describe(engine: EngineRuntime): string {
  return `${engine.name} ${engine.version} answers at ${describeEndpoint(engine.endpoint)}`;
}

function engineWarnings(endpoint: EngineEndpoint): string[] {
  const warning = plainTcpWarning(endpoint);
  return warning === null ? [] : [warning];
}

/**
 * The first engine that answers, most explicit first. An engine named by a
 * flag or variable that can never work (a bad address, missing TLS files, an
 * unknown context, plain HTTP to another host) throws: the server stops.
 */
async function firstEngine(options: SelectRuntimeOptions): Promise<{ engine: EngineRuntime | undefined; tried: string[] }> {
  const tried: string[] = [];
  for (const { spec, origin } of engineCandidates({ engine: options.engine, context: options.engineContext }, options.env)) {
    const endpoint = await resolveEngine(spec, { env: options.env, allowPlainTcp: options.allowPlainTcp }).catch((error: Error) => {
      throw new Error(`${origin}: ${error.message}`);
    });
    try {
      // The usual sockets are only probed: one that answers slowly is passed over. A named engine gets the full deadline.
      const requestTimeoutMs = origin === 'default' ? PROBE_TIMEOUT_MS : undefined;
      const transport = { ssh: { env: sshEnvironment(options.env) } };
      return { engine: await connectEngine(endpoint, { credentials: options.credentials, log: options.log, requestTimeoutMs, transport }), tried };
    } catch (error) {
      tried.push((error as Error).message);
    }
  }
  return { engine: undefined, tried };
}

/** Every name found on PATH, in the order of `names`. */
async function findOnPath(names: readonly string[], path: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    for (const dir of path.split(delimiter).filter((entry) => entry !== '')) {
      const candidate = join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        found.push(candidate);
        break;
      } catch {
        // Not in this directory: keep looking.
      }
    }
  }
  return found;
}
