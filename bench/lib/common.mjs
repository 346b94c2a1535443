// Small shared pieces of the benchmarks: statistics, the machine's
// description, a monotonic clock shared by processes, and formatting.
import os from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT = dirname(BENCH_DIR);
export const DIST = join(ROOT, 'dist', 'server');

/** Imports a compiled server module (dist/server/…); tells how to build when it is missing. */
export async function server(path) {
  const file = join(DIST, path);
  if (!existsSync(file)) throw new Error(`bench: ${file} is missing; run \`npm run build\` (or \`npx tsc -p tsconfig.json\`) first`);
  return import(file);
}

/**
 * Microseconds of CLOCK_MONOTONIC. process.hrtime is CLOCK_MONOTONIC on
 * Linux, the same clock in every process of the machine, so a timestamp taken
 * in the server process can be compared with one taken in a client process.
 */
export function monoUs() {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Nearest-rank percentile of an ascending array; null when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function sortNumbers(values) {
  return Float64Array.from(values).sort();
}

export function median(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function mean(values) {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Rounds to `digits` decimals; null stays null. */
export function round(value, digits = 1) {
  if (value === null || value === undefined || !Number.isFinite(value)) return value ?? null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function ratio(a, b, digits = 2) {
  if (a === null || b === null || b === 0) return null;
  return round(a / b, digits);
}

/** What the figures were measured on, and how busy the machine was. */
export function machine() {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism(),
    cpu: cpus[0]?.model ?? 'unknown',
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

/** os.loadavg() rounded: other agents may be running tests at the same time. */
export function load() {
  return os.loadavg().map((value) => round(value, 2));
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(line) {
  process.stderr.write(`bench: ${line}\n`);
}
