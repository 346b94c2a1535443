/**
 * Reads the slots file named by --config / SLOTPULL_CONFIG, or falls back to
 * the built-in demo config when none is named. A named file that is missing
 * or bad is an error, never a silent fallback.
 */
import { readFile } from 'node:fs/promises';
import { DEMO_CONFIG_NAME, demoSlotsFile } from './demo.ts';
import { validateSlotsFile, type SlotsFile } from './schema.ts';

export interface LoadedConfig extends SlotsFile {
  /** The file's path, or the demo config's name. */
  source: string;
  isDemo: boolean;
}

const BYTE_ORDER_MARK = '\uFEFF';

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
  const json = await readJsonFile(path, 'the slots file', '--config / SLOTPULL_CONFIG');
  return { ...validated(json, path), isDemo: false };
}

function validated(json: unknown, source: string): SlotsFile & { source: string } {
  const result = validateSlotsFile(json, source);
  if (!result.ok) throw new ConfigError(result.problems);
  return { slots: result.slots, engines: result.engines, source };
}

/** Reads and parses a JSON file named on the command line; a missing or broken one is a ConfigError. */
export async function readJsonFile(path: string, what: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError([`${path}: cannot read ${what} (${reason}); check ${flag}`]);
  }
  try {
    // Editors on Windows may start a UTF-8 file with a byte-order mark; it is no part of the JSON.
    return JSON.parse(text.startsWith(BYTE_ORDER_MARK) ? text.slice(BYTE_ORDER_MARK.length) : text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
}
