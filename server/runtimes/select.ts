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
import { detectCliRuntime } from './cli.ts';
import { createDemoRuntime } from './demo.ts';
import type { RuntimeMode } from './modes.ts';
import { engineCandidates, parseEngineEndpoint } from '../core/engine-endpoint.ts';
import { connectEngine, type EngineRuntime } from './engine/engine.ts';
import type { RegistryAuth } from './engine/registry-auth.ts';

export interface RuntimeChoice {
  runtime: ContainerRuntime;
  /** Why this runtime, for the first log line. */
  reason: string;
}

export interface SelectRuntimeOptions {
  mode: RuntimeMode;
  /** --cli / SLOTPULL_CLI. */
  cli: string | undefined;
  /** --engine. */
  engine: string | undefined;
  auth: RegistryAuth | undefined;
  /** True when the built-in demo config is in use: its images exist only in the demo runtime. */
  demoConfig: boolean;
  clock: Clock;
  demoSeed: number | undefined;
  /** For PATH, DOCKER_HOST, CONTAINER_HOST and XDG_RUNTIME_DIR. */
  env: Readonly<Record<string, string | undefined>>;
}

const CLI_NAMES = ['docker', 'podman'] as const;
/** An engine that takes longer than this to answer /_ping is not picked by auto. */
const PROBE_TIMEOUT_MS = 1500;

export async function selectRuntime(options: SelectRuntimeOptions): Promise<RuntimeChoice> {
  const demo = (reason: string): RuntimeChoice => ({
    runtime: createDemoRuntime({ clock: options.clock, seed: options.demoSeed }),
    reason,
  });
  switch (options.mode) {
    case 'demo':
      return demo('--runtime demo');
    case 'engine': {
      const { engine, tried } = await firstEngine(options, undefined);
      if (engine === undefined) throw new Error(`--runtime engine: ${tried.join('; ')}`);
      return { runtime: engine, reason: `--runtime engine: ${describe(engine)}` };
    }
    case 'cli': {
      const binary = options.cli ?? (await findOnPath(CLI_NAMES, options.env.PATH ?? ''))[0];
      if (binary === undefined) throw new Error('--runtime cli found neither docker nor podman on PATH; pass --cli PATH');
      return { runtime: await detectCliRuntime(binary), reason: `--runtime cli with ${binary}` };
    }
    case 'auto': {
      if (options.demoConfig) return demo('no slots file was given, and the built-in demo config runs on the demo runtime');
      const { engine, tried } = await firstEngine(options, PROBE_TIMEOUT_MS);
      if (engine !== undefined) return { runtime: engine, reason: describe(engine) };
      const binaries = options.cli === undefined ? await findOnPath(CLI_NAMES, options.env.PATH ?? '') : [options.cli];
      for (const binary of binaries) {
        try {
          const runtime = await detectCliRuntime(binary);
          // Listing containers tells whether the CLI reaches its engine.
          const unreachable = await runtime.containerStates([]).then(
            () => null,
            (error: Error) => error.message,
          );
          if (unreachable === null) {
            return { runtime, reason: `no engine API answered (${tried.join('; ')}), but ${binary} reaches its engine` };
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

function describe(engine: EngineRuntime): string {
  return `${engine.name} ${engine.version} answers at ${engine.endpoint.display}`;
}

async function firstEngine(
  options: SelectRuntimeOptions,
  timeoutMs: number | undefined,
): Promise<{ engine: EngineRuntime | undefined; tried: string[] }> {
  const tried: string[] = [];
  for (const address of engineCandidates(options.engine, options.env)) {
    try {
      const engine = await connectEngine(parseEngineEndpoint(address), { auth: options.auth, requestTimeoutMs: timeoutMs });
      return { engine, tried };
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
