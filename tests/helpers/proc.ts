/** What /proc says about a process (Linux): its children, command line and resident memory. */
import { readFileSync, readdirSync } from 'node:fs';

/** Direct children of `pid` (every thread's `children` list). */
export function childPids(pid: number = process.pid): number[] {
  const children = new Set<number>();
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    // ENOENT: the process is gone; it has no children.
    return [];
  }
  for (const tid of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/)) {
        if (child !== '') children.add(Number(child));
      }
    } catch {
      // The thread ended while we looked.
    }
  }
  return [...children];
}

/** The command line, arguments joined by spaces; '' for a process that is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    // ENOENT: gone.
    return '';
  }
}

/** A line of /proc/<pid>/status in KiB (`VmRSS`, `VmHWM`, `RssAnon`, …). */
export function statusKiB(pid: number, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}

/** Resident memory in bytes (`VmRSS`). */
export const rssBytes = (pid: number): number => statusKiB(pid, 'VmRSS') * 1024;
