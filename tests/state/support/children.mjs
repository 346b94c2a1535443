// The test children of tests/state/, for Node (node-child.mjs, on dist/)
// and Deno (deno-child.ts, on the source); each entry imports the state
// modules statically, so Deno needs no read permission for them.
//
// lock DIR [--wait-go] [--heartbeat-ms N] [--stale-ms N]
//   Takes DIR's lock, says so as a JSON line on stdout, holds it until a
//   "release" line on stdin (or a kill). --wait-go: takes it only after a
//   "go" line, so that several start at once.
// store DIR PREFIX [--wait-go] [--ack FILE] [--jobs N [--resume ID]]
//   A server-like writer: (says {"started"} and waits for "go", with
//   --wait-go, so that a test can start it ahead of time,) takes the lock,
//   opens the store, says what it read
//   back, then records finishing jobs, one {"done": id} line after each
//   finish returned (with --ack, the id as a line appended to FILE instead,
//   written synchronously: a test that stops this process reads exactly what
//   was acknowledged); until killed, or N jobs (after taking ID up again:
//   progress 60, then completed), then closes, releases and exits.
import { openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Runs the child named by the first argument with the state modules `state` ({ acquireStateLock, openJobStore }). */
export async function runChild(state, [kind, ...args]) {
  if (kind === 'lock') return lockChild(state, args);
  if (kind === 'store') return storeChild(state, args);
  throw new Error(`unknown child ${kind}: lock or store`);
}

async function lockChild({ acquireStateLock }, args) {
  const [dir, ...flags] = args;
  const numberAfter = (flag) => (flags.includes(flag) ? Number(flags[flags.indexOf(flag) + 1]) : undefined);
  const lines = createInterface({ input: process.stdin });
  const queued = [];
  const waiting = [];
  lines.on('line', (line) => (waiting.length > 0 ? waiting.shift()(line) : queued.push(line)));
  // The test went away: so does this process.
  lines.on('close', () => process.exit(0));
  const nextLine = () => (queued.length > 0 ? Promise.resolve(queued.shift()) : new Promise((resolve) => waiting.push(resolve)));

  say({ ready: process.pid });
  if (flags.includes('--wait-go')) await nextLine();
  let lock;
  try {
    lock = await acquireStateLock(dir, {
      heartbeatMs: numberAfter('--heartbeat-ms'),
      staleMs: numberAfter('--stale-ms'),
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
}

async function storeChild({ acquireStateLock, openJobStore }, args) {
  const [dir, prefix, ...flags] = args;
  const deno = 'Deno' in globalThis;
  const valueAfter = (flag) => (flags.includes(flag) ? flags[flags.indexOf(flag) + 1] : undefined);
  const jobs = valueAfter('--jobs') === undefined ? Infinity : Number(valueAfter('--jobs'));
  const resume = valueAfter('--resume');
  const ackFile = valueAfter('--ack');
  const ackFd = ackFile === undefined ? null : openSync(ackFile, 'a');
  const acknowledge = (id) => (ackFd === null ? say({ done: id }) : writeSync(ackFd, `${id}\n`));

  if (flags.includes('--wait-go')) {
    say({ started: process.pid });
    await firstLine();
  }
  // The test's own staleness: this writer never waits on a heartbeat it cannot read.
  const lock = await acquireStateLock(dir, { staleMs: 600_000 });
  const store = openJobStore({ dir });
  const { history } = store;
  say({ ready: process.pid, recovery: history.recovery, active: history.activeJobs(), finished: history.finishedCount });

  if (resume !== undefined) {
    history.resume(resume, Date.now());
    history.progress(resume, { percent: 60, bytes_done: 60, bytes_total: 100, at: Date.now() });
    history.finish({ id: resume, state: 'completed', error_code: null, error: null, finished_at: Date.now(), bytes_done: 100, bytes_total: 100 });
  }
  for (let i = 0; i < jobs; i++) {
    const id = `p_${prefix}_${i}`;
    const startedAt = Date.now();
    history.start({ id, image: `registry.test/image-${i % 7}:1`, runtime: deno ? 'deno-test' : 'node-test', slots: [`slot-${i % 5}`], started_at: startedAt });
    for (const percent of [10, 50, 90]) history.progress(id, { percent, bytes_done: percent * 1000, bytes_total: BYTES, at: startedAt });
    const failed = i % 9 === 0;
    history.finish({
      id,
      state: failed ? 'failed' : 'completed',
      error_code: failed ? 'pull.registry_unreachable' : null,
      error: failed ? 'dial tcp 127.0.0.1:5000: connect: connection refused' : null,
      finished_at: Date.now(),
      bytes_done: failed ? null : BYTES,
      bytes_total: BYTES,
    });
    acknowledge(id);
    // Let the event loop run now and then, as a server's does: the background fdatasync, the lock's heartbeat.
    if (i % 8 === 7) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  await store.close();
  lock.release();
  say({ closed: true });
}

const BYTES = 100_000;

/** The first line on stdin; stdin is let go afterwards, so it keeps nothing alive. */
function firstLine() {
  const lines = createInterface({ input: process.stdin });
  return new Promise((resolve) =>
    lines.once('line', (line) => {
      lines.close();
      process.stdin.unref?.();
      resolve(line);
    }),
  );
}
