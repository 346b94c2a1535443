// Processes the test environment starts, and cleaning up after them: each
// child is tracked by PID and stopped by PID (SIGTERM, then SIGKILL after a
// grace); whatever they left behind under the environment's own temp dir
// (containerd, shims, conmon, container processes; overlay mounts) is found
// through /proc by that unique dir and removed too. Nothing outside it is
// touched. Types: supervisor.d.mts.
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Time a process gets between SIGTERM and SIGKILL. dockerd needs a few s to stop containerd. */
export const STOP_GRACE_MS = 10_000;
/** How often an exit is polled for. */
const POLL_MS = 25;
/** Lines of a child's log quoted in an error. */
const LOG_TAIL_LINES = 15;
/** A one-shot command (build, push, CLI) that runs longer than this is killed. */
const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;

/**
 * @param {{ dir: string, logDir: string }} options `dir` is the environment's
 *   unique temp dir; children run with it as their working directory.
 */
export function createSupervisor({ dir, logDir }) {
  /** @type {Map<string, import('./supervisor.d.mts').Daemon>} */
  const daemons = new Map();
  /** @type {Set<import('node:child_process').ChildProcess>} */
  const commands = new Set();
  let closed = false;

  /**
   * Starts a long-running process whose stdout and stderr go to `<logDir>/<name>.log`.
   * @param {string} name @param {string} cmd @param {string[]} args @param {NodeJS.ProcessEnv} env
   * @returns {import('./supervisor.d.mts').Daemon}
   */
  function startDaemon(name, cmd, args, env) {
    if (closed) throw new Error(`engine env: not starting ${name}: the environment is stopping`);
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    let child;
    try {
      child = spawn(cmd, args, { cwd: dir, env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    /** @type {import('./supervisor.d.mts').Daemon} */
    const daemon = {
      name, logFile, child,
      pid: child.pid ?? -1,
      exit: new Promise((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', (err) => resolve({ code: null, signal: null, error: err }));
      }),
      exited: false,
      logTail: () => logTail(logFile),
    };
    daemon.exit.then(() => { daemon.exited = true; });
    daemons.set(name, daemon);
    return daemon;
  }

  /**
   * Runs a command to completion and collects its output.
   * @param {string} cmd @param {string[]} args
   * @param {{ env?: NodeJS.ProcessEnv, timeoutMs?: number, allowFailure?: boolean }} [options]
   * @returns {Promise<import('./supervisor.d.mts').CommandResult>}
   */
  function runCommand(cmd, args, options = {}) {
    if (closed) return Promise.reject(new Error(`engine env: not running ${cmd}: the environment is stopping`));
    return runTracked(cmd, args, { cwd: dir, ...options }, commands);
  }

  /** Stops every daemon (in parallel) and running command, by PID. Idempotent. */
  async function stopAll() {
    closed = true;
    for (const child of commands) signal(child.pid, 'SIGKILL');
    await Promise.all([...daemons.values()].map((daemon) => stopDaemon(daemon)));
  }

  /** Synchronous last resort for process 'exit': SIGKILL to everything. */
  function killAllSync() {
    closed = true;
    for (const child of commands) signal(child.pid, 'SIGKILL');
    for (const daemon of daemons.values()) if (!daemon.exited) signal(daemon.pid, 'SIGKILL');
  }

  return { startDaemon, runCommand, stopAll, killAllSync, daemons };
}

/**
 * SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone.
 * @param {import('./supervisor.d.mts').Daemon} daemon @param {number} [graceMs]
 */
export async function stopDaemon(daemon, graceMs = STOP_GRACE_MS) {
  if (daemon.exited) return;
  signal(daemon.pid, 'SIGTERM');
  const grace = new AbortController();
  const timedOut = await Promise.race([
    daemon.exit.then(() => false),
    sleep(graceMs, true, { signal: grace.signal }).catch(() => false),
  ]);
  grace.abort();
  if (timedOut) {
    signal(daemon.pid, 'SIGKILL');
    await daemon.exit;
  }
}

/**
 * @param {string} cmd @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, timeoutMs?: number, allowFailure?: boolean }} options
 * @param {Set<import('node:child_process').ChildProcess>} [track]
 * @returns {Promise<import('./supervisor.d.mts').CommandResult>}
 */
export function runTracked(cmd, args, options, track) {
  const { cwd, env = process.env, timeoutMs = DEFAULT_COMMAND_TIMEOUT_MS, allowFailure = false } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    track?.add(child);
    /** @type {Buffer[]} */
    const out = [];
    /** @type {Buffer[]} */
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    const timer = setTimeout(() => signal(child.pid, 'SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      track?.delete(child);
      reject(new Error(`${cmd}: cannot start: ${error.message}`));
    });
    child.once('close', (code, sig) => {
      clearTimeout(timer);
      track?.delete(child);
      const result = { code: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
      if (result.code === 0 || allowFailure) return resolve(result);
      const why = sig ? `killed by ${sig}${sig === 'SIGKILL' ? ` (timeout ${timeoutMs} ms?)` : ''}` : `exit ${code}`;
      reject(new Error(`${cmd} ${args.join(' ')}: ${why}: ${result.stderr.trim().split('\n').slice(-LOG_TAIL_LINES).join('\n')}`));
    });
  });
}

/**
 * PIDs of processes left behind under `dir`: their command line names it, or
 * their working directory is inside it — and all their descendants (a
 * container's processes, whose root is in another mount namespace and does
 * not show the path, are children of a shim or conmon that names `dir`).
 * @param {string} dir
 * @returns {number[]}
 */
export function processesUnder(dir) {
  /** @type {Map<number, number[]>} parent → children */
  const children = new Map();
  const found = new Set();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmdline.includes(dir) || insideDir(readlinkSync(`/proc/${pid}/cwd`), dir)) found.add(pid);
    } catch {
      // The process ended while we looked (ENOENT/ESRCH): nothing to stop.
    }
  }
  const queue = [...found];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of children.get(pid) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        queue.push(child);
      }
    }
  }
  return [...found];
}

/**
 * Stops every process left under `dir` (SIGTERM, then SIGKILL).
 * @param {string} dir @returns {Promise<number[]>} the PIDs that were found
 */
export async function reapUnder(dir, graceMs = STOP_GRACE_MS) {
  const pids = processesUnder(dir);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pids.some(alive) && Date.now() < deadline) await sleep(POLL_MS);
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  return pids;
}

/** Synchronous variant for process 'exit': SIGKILL at once, then a short wait. @param {string} dir */
export function reapUnderSync(dir) {
  const pids = processesUnder(dir);
  for (const pid of pids) signal(pid, 'SIGKILL');
  sleepSyncUntil(() => !pids.some(alive), 2_000);
}

/**
 * Unix socket paths outside `dir` that processes under it have bound: the
 * containerd 1.6 shims dockerd starts bind theirs in /run/containerd/s
 * (hard-coded). A shim that is killed cannot remove its socket file.
 * @param {string} dir @returns {string[]}
 */
export function socketsOutside(dir) {
  const inodes = new Set();
  for (const pid of processesUnder(dir)) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      }
    } catch {
      // The process ended while we looked: its sockets are gone with it.
    }
  }
  return boundSockets()
    .filter(({ inode, path }) => inodes.has(inode) && !insideDir(path, dir))
    .map(({ path }) => path);
}

/**
 * Removes those of `paths` that no live process has bound any more.
 * @param {string[]} paths
 */
export function removeStaleSockets(paths) {
  const live = new Set(boundSockets().map(({ path }) => path));
  for (const path of paths) {
    if (live.has(path)) continue;
    try {
      unlinkSync(path);
    } catch {
      // Already removed by its owner on a clean exit.
    }
  }
}

/** Filesystem unix sockets bound in this network namespace (/proc/net/unix). */
function boundSockets() {
  return readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[7]?.startsWith('/'))
    .map((fields) => ({ inode: String(fields[6]), path: String(fields[7]) }));
}

/**
 * Mount points at or below `dir`, deepest first (from /proc/self/mountinfo).
 * @param {string} dir @returns {string[]}
 */
export function mountsUnder(dir) {
  const lines = readFileSync('/proc/self/mountinfo', 'utf8').split('\n');
  const points = lines
    .map((line) => line.split(' ')[4])
    .filter((p) => p !== undefined)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, oct) => String.fromCharCode(parseInt(oct, 8))))
    .filter((p) => insideDir(p, dir));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/**
 * Unmounts everything at or below `dir`; a busy mount is detached lazily.
 * @param {string} dir @returns {string[]} mount points still there afterwards
 */
export function unmountUnder(dir) {
  for (let pass = 0; pass < 3; pass += 1) {
    const points = mountsUnder(dir);
    if (points.length === 0) return [];
    for (const point of points) {
      try {
        execFileSync('umount', [point], { stdio: 'ignore' });
      } catch {
        // Busy or already gone with its parent: try a lazy detach, then the next pass decides.
        try {
          execFileSync('umount', ['-l', point], { stdio: 'ignore' });
        } catch {
          // Gone already (unmounted together with a parent): nothing to do.
        }
      }
    }
  }
  return mountsUnder(dir);
}

/** @param {string} path @param {string} dir */
function insideDir(path, dir) {
  return path === dir || path.startsWith(`${dir}/`);
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    // A zombie is dead for our purposes: it only waits for its parent to reap it.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** @param {number | undefined} pid @param {NodeJS.Signals} sig */
function signal(pid, sig) {
  if (pid === undefined || pid <= 0) return;
  try {
    process.kill(pid, sig);
  } catch {
    // ESRCH: it has already exited.
  }
}

/** @param {() => boolean} done @param {number} maxMs */
function sleepSyncUntil(done, maxMs) {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + maxMs;
  while (!done() && Date.now() < deadline) Atomics.wait(cell, 0, 0, POLL_MS);
}

/** @param {string} file */
function logTail(file) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
  } catch {
    return '(no log)';
  }
}
