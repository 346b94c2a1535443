/**
 * Picks the runtime for `--runtime`: `demo`, `cli` (a docker or podman
 * binary), or `auto` (the first that works). The engine runtime arrives with
 * the Docker Engine API adapter; until then `engine` is refused with advice.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Clock } from '../core/clock.ts';
import type { ContainerRuntime } from '../core/runtime.ts';
import type { RuntimeMode } from '../entry/options.ts';
import { detectCliRuntime } from './cli.ts';
import { createDemoRuntime } from './demo.ts';

export interface RuntimeChoice {
  runtime: ContainerRuntime;
  /** Why this runtime, for the first log line. */
  reason: string;
}

export interface SelectRuntimeOptions {
  mode: RuntimeMode;
  /** --cli / SLOTPULL_CLI. */
  cli: string | undefined;
  /** True when the built-in demo config is in use: its images exist only in the demo runtime. */
  demoConfig: boolean;
  clock: Clock;
  demoSeed: number | undefined;
  /** PATH to search for docker and podman. */
  path: string;
}

const CLI_NAMES = ['docker', 'podman'] as const;
/** A container name no one uses: asking for it tells whether the CLI reaches its engine. */
const PROBE_CONTAINER = 'slotpull-probe-absent';

export async function selectRuntime(options: SelectRuntimeOptions): Promise<RuntimeChoice> {
  const demo = (reason: string): RuntimeChoice => ({
    runtime: createDemoRuntime({ clock: options.clock, seed: options.demoSeed }),
    reason,
  });
  switch (options.mode) {
    case 'demo':
      return demo('--runtime demo');
    case 'engine':
      throw new Error('--runtime engine is not available in this version; use --runtime cli (with --cli PATH) or --runtime demo');
    case 'cli': {
      const binary = options.cli ?? (await findOnPath(CLI_NAMES, options.path));
      if (binary === undefined) throw new Error('--runtime cli found neither docker nor podman on PATH; pass --cli PATH');
      return { runtime: await detectCliRuntime(binary), reason: `--runtime cli with ${binary}` };
    }
    case 'auto': {
      if (options.demoConfig) return demo('no slots file was given, and the built-in demo config runs on the demo runtime');
      const candidates = options.cli === undefined ? await findAllOnPath(CLI_NAMES, options.path) : [options.cli];
      const tried: string[] = [];
      for (const binary of candidates) {
        try {
          const runtime = await detectCliRuntime(binary);
          if ((await runtime.containerStatus(PROBE_CONTAINER)).status !== 'unknown') {
            return { runtime, reason: `${binary} reaches its engine` };
          }
          tried.push(`${binary} cannot reach its engine`);
        } catch (error) {
          tried.push((error as Error).message);
        }
      }
      const why = tried.length === 0 ? 'no docker or podman on PATH' : tried.join('; ');
      return demo(`no working container runtime (${why}); pulls are simulated`);
    }
  }
}

async function findAllOnPath(names: readonly string[], path: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const binary = await findOnPath([name], path);
    if (binary !== undefined) found.push(binary);
  }
  return found;
}

async function findOnPath(names: readonly string[], path: string): Promise<string | undefined> {
  for (const name of names) {
    for (const dir of path.split(delimiter).filter((entry) => entry !== '')) {
      const candidate = join(dir, name);
      try {
        await access(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not in this directory: keep looking.
      }
    }
  }
  return undefined;
}
