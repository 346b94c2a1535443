// A process that takes a state directory's lock, says so as a JSON line on
// stdout, and holds it until a "release" line on stdin (or a kill). Runs on
// Node (the compiled dist/, so `npm run build` first) and on Deno (the source).
//   lock-child.mjs DIR [--wait-go] [--heartbeat-ms N] [--stale-ms N] [--no-proc]
// --wait-go: takes the lock only after a "go" line, so that several start at once.
import { createInterface } from 'node:readline';

const module = 'Deno' in globalThis ? '../../../server/state/state-lock.ts' : '../../../dist/server/state/state-lock.js';
const { acquireStateLock } = await import(new URL(module, import.meta.url).href);

const [dir, ...flags] = process.argv.slice(2);
const numberAfter = (flag) => (flags.includes(flag) ? Number(flags[flags.indexOf(flag) + 1]) : undefined);
const lines = createInterface({ input: process.stdin });
const queued = [];
const waiting = [];
lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()(line) : queued.push(line)));
// The test went away: so does this process.
lines.on('close', () => process.exit(0));
const nextLine = () => (queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve)));
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

say({ ready: process.pid });
if (flags.includes('--wait-go')) await nextLine();
let lock;
try {
  lock = await acquireStateLock(dir, {
    heartbeatMs: numberAfter('--heartbeat-ms'),
    staleMs: numberAfter('--stale-ms'),
    ...(flags.includes('--no-proc') && { processTable: null }),
  });
} catch (error) {
  say({ refused: error.message });
  process.exit(3);
}
say({ locked: lock.file, tookOver: lock.tookOver?.pid ?? null });
await nextLine();
lock.release();
say({ released: true });
process.exit(0);
