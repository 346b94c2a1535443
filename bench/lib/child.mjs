// A forked benchmark process driven over IPC, stopped by its PID.
import { fork } from 'node:child_process';

const live = new Set();
// Whatever happens to the parent, no child outlives it.
process.once('exit', () => {
  for (const child of live) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/**
 * @param {string} file absolute path of the script
 * @param {{ execArgv?: string[], env?: NodeJS.ProcessEnv, callTimeoutMs?: number }} [options]
 */
export async function startChild(file, options = {}) {
  const child = fork(file, [], { execArgv: options.execArgv ?? [], env: options.env ?? process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  live.add(child);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => { live.delete(child); resolve({ code, signal }); }));
  const pending = new Map();
  let nextId = 0;
  const ready = await new Promise((resolve, reject) => {
    child.once('error', reject);
    exited.then(({ code, signal }) => reject(new Error(`${file} exited (${signal ?? code}) before it was ready`)));
    child.on('message', (message) => {
      if (message.ready) return resolve(message.ready);
      const call = pending.get(message.id);
      if (call === undefined) return;
      pending.delete(message.id);
      clearTimeout(call.timer);
      if (message.error !== undefined) call.reject(new Error(`${file}: ${message.error}`));
      else call.resolve(message.result);
    });
  });
  exited.then(({ code, signal }) => {
    for (const call of pending.values()) call.reject(new Error(`${file} exited (${signal ?? code}) during a call`));
  });
  return {
    pid: child.pid,
    ready,
    call(cmd, args, timeoutMs = options.callTimeoutMs ?? 120_000) {
      return new Promise((resolve, reject) => {
        const id = ++nextId;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${file}: ${cmd} took over ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        child.send({ id, cmd, args });
      });
    },
    /** Disconnects IPC (the child exits), SIGKILL by PID after `graceMs`. */
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.disconnect();
      const timer = setTimeout(() => {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The child's side: answers the parent's calls with `commands[cmd](args)`,
 * exits when the parent disconnects, and says it is ready with `ready`.
 * @param {Record<string, (args: any) => unknown>} commands
 * @param {Record<string, unknown>} ready
 */
export function serveCommands(commands, ready) {
  process.on('message', async ({ id, cmd, args }) => {
    try {
      process.send({ id, result: await commands[cmd](args ?? {}) });
    } catch (error) {
      process.send({ id, error: error instanceof Error ? error.stack : String(error) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ ready: { ...ready, pid: process.pid } });
}
