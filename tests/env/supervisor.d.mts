import type { ChildProcess } from 'node:child_process';

/** Time a process gets between SIGTERM and SIGKILL. */
export const STOP_GRACE_MS: number;

/** A long-running child (registry, engine). */
export interface Daemon {
  name: string;
  pid: number;
  /** Its stdout and stderr. */
  logFile: string;
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
  exited: boolean;
  /** The last lines of its log. */
  logTail(): string;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Default 120 s, then SIGKILL. */
  timeoutMs?: number;
  /** Resolve with a non-zero exit code instead of rejecting. */
  allowFailure?: boolean;
}

export interface Supervisor {
  /** Starts a long-running process logging to `<logDir>/<name>.log`, with the env dir as cwd. */
  startDaemon(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Daemon;
  /** Runs a command to completion; rejects on a non-zero exit unless `allowFailure`. */
  runCommand(cmd: string, args: string[], options?: Omit<CommandOptions, 'cwd'>): Promise<CommandResult>;
  /** SIGTERM to every daemon (in parallel), SIGKILL after the grace; SIGKILL to running commands. */
  stopAll(): Promise<void>;
  /** SIGKILL to everything, synchronously (for process 'exit'). */
  killAllSync(): void;
  daemons: Map<string, Daemon>;
}

export function createSupervisor(options: { dir: string; logDir: string }): Supervisor;
export function stopDaemon(daemon: Daemon, graceMs?: number): Promise<void>;
export function runTracked(cmd: string, args: string[], options: CommandOptions, track?: Set<ChildProcess>): Promise<CommandResult>;
/** PIDs whose command line names `dir` or whose cwd is inside it, and their descendants. */
export function processesUnder(dir: string): number[];
/** Stops what processesUnder finds (SIGTERM, then SIGKILL); returns those PIDs. */
export function reapUnder(dir: string, graceMs?: number): Promise<number[]>;
export function reapUnderSync(dir: string): void;
/** Unix socket paths outside `dir` bound by processes under it (containerd shims: /run/containerd/s/…). */
export function socketsOutside(dir: string): string[];
/** Unlinks those of `paths` that no live process has bound any more. */
export function removeStaleSockets(paths: string[]): void;
/** Mount points at or below `dir`, deepest first. */
export function mountsUnder(dir: string): string[];
/** Unmounts everything at or below `dir`; returns what is still mounted. */
export function unmountUnder(dir: string): string[];
