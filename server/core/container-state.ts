/**
 * A container's `.State` object, as both engines report it (API inspect and
 * `container inspect --format {{json .State}}`), → the slot's container status.
 * A container list's entry goes through the same rules (container-list.ts).
 */
import type { ContainerState } from './runtime.ts';

/** The fields of `.State` that matter here. */
interface InspectState {
  Status?: unknown;
  Running?: unknown;
  Paused?: unknown;
  Restarting?: unknown;
  OOMKilled?: unknown;
  Dead?: unknown;
  ExitCode?: unknown;
  Error?: unknown;
}

/** Statuses of a container that is not running (docker's and podman's words). */
const NOT_RUNNING = new Set(['created', 'exited', 'configured', 'initialized', 'stopped']);

export function containerStateFrom(value: unknown): ContainerState {
  if (value === null || typeof value !== 'object') return { status: 'unknown', error: 'the engine sent no container State object' };
  const state = value as InspectState;
  const status = typeof state.Status === 'string' ? state.Status.toLowerCase() : '';
  // Null when not said (a list entry whose Status shows no code).
  const exitCode = typeof state.ExitCode === 'number' ? state.ExitCode : null;
  const engineError = typeof state.Error === 'string' && state.Error !== '' ? `: ${state.Error}` : '';
  if (state.Restarting === true || status === 'restarting') {
    const after = exitCode === null ? 'is restarting' : `restarting after it exited with code ${exitCode}`;
    return { status: 'crashed', error: `${after}${engineError}` };
  }
  // A paused container is not serving: reported as stopped, not crashed.
  if (state.Paused === true || status === 'paused') return { status: 'stopped', error: null };
  if (state.Running === true || status === 'running') return { status: 'running', error: null };
  if (state.Dead === true || status === 'dead') {
    return { status: 'crashed', error: `is dead${exitCode === null ? '' : ` (exit code ${exitCode})`}${engineError}` };
  }
  if (state.OOMKilled === true) {
    return { status: 'crashed', error: `${exitCode === null ? 'was killed' : `exited with code ${exitCode}`} (out of memory)` };
  }
  if (exitCode !== null && exitCode !== 0) return { status: 'crashed', error: `exited with code ${exitCode}${engineError}` };
  if (NOT_RUNNING.has(status)) return { status: 'stopped', error: null };
  return { status: 'unknown', error: `the container is in a state slotpull does not know: "${String(state.Status)}"` };
}
