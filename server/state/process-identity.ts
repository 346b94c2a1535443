/**
 * Who a process is, beyond its PID (which the kernel reuses): Linux's boot
 * id, the PID namespace and the process's start time in clock ticks since
 * boot. Two records with the same four values are the same process; a
 * record whose PID is now a process with another start time is a dead one.
 *
 * Read from /proc, which Node may read freely. Deno asks for --allow-all to
 * read /proc (and --allow-run to signal a process), so under Deno this is not
 * even tried (a permission prompt at start would be worse): the lock then
 * judges a holder by its heartbeat instead.
 */
import { readFileSync, readlinkSync } from 'node:fs';

export interface ProcessIdentity {
  pid: number;
  /** /proc/sys/kernel/random/boot_id: changes at every boot. */
  boot: string | null;
  /** The PID namespace (/proc/self/ns/pid): PIDs are only comparable within one. */
  pidns: string | null;
  /** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
  start: string | null;
}

/** What this process can see of the others. */
export interface ProcessTable {
  /** This process. */
  self(): ProcessIdentity;
  /** The start time of the process `pid` in this namespace; null when there is none. */
  startOf(pid: number): string | null;
}

/** /proc's view, or null where it cannot be read (Deno, or not Linux). */
export function linuxProcessTable(): ProcessTable | null {
  if ('Deno' in globalThis) return null;
  let boot: string;
  let pidns: string;
  let ownStart: string | null;
  try {
    boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    pidns = readlinkSync('/proc/self/ns/pid');
    ownStart = startOf(process.pid);
  } catch (error) {
    // No /proc (macOS, a sandbox): the lock falls back to heartbeats, and says nothing wrong.
    if (isNotFoundOrDenied(error)) return null;
    throw error;
  }
  const self: ProcessIdentity = { pid: process.pid, boot, pidns, start: ownStart };
  return { self: () => ({ ...self }), startOf };
}

/** This process with whatever of its identity can be read. */
export function currentProcess(table: ProcessTable | null): ProcessIdentity {
  return table?.self() ?? { pid: process.pid, boot: null, pidns: null, start: null };
}

function startOf(pid: number): string | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if (isNotFoundOrDenied(error)) return null;
    throw error;
  }
  return parseStartTime(stat);
}

/** Field 22 of a /proc/<pid>/stat line; the command name (field 2) may hold spaces and parentheses. */
export function parseStartTime(stat: string): string | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (the state), so field 22 is fields[19].
  const start = fields[19];
  return start !== undefined && /^\d+$/.test(start) ? start : null;
}

function isNotFoundOrDenied(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'EACCES' || code === 'ESRCH' || code === 'ENOTDIR';
}
