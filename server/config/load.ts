/**
 * Reads the slots file named by --config / SLOTPULL_CONFIG, or falls back to
 * the built-in demo config when none is named. A named file that is missing
 * or bad is an error, never a silent fallback.
 */
import { readFile } from 'node:fs/promises';
import { DEMO_CONFIG_NAME, demoSlotsFile } from './demo.ts';
import { validateSlotsFile, type Slot } from './schema.ts';

export interface LoadedConfig {
  slots: Slot[];
  /** The file's path, or the demo config's name. */
  source: string;
  isDemo: boolean;
}

/** Thrown with one line per problem; the entry exits 2. */
export class ConfigError extends Error {
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export async function loadConfig(path: string | undefined): Promise<LoadedConfig> {
  if (path === undefined) return { ...validated(demoSlotsFile, DEMO_CONFIG_NAME), isDemo: true };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([`${path}: cannot read the slots file (${reason}); check --config / SLOTPULL_CONFIG`]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
  return { ...validated(json, path), isDemo: false };
}

function validated(json: unknown, source: string): { slots: Slot[]; source: string } {
  const result = validateSlotsFile(json, source);
  if (!result.ok) throw new ConfigError(result.problems);
  return { slots: result.slots, source };
}
