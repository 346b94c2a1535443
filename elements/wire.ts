/**
 * The server's wire types (CONTRACT §4), copied here on purpose: the elements
 * ship to browsers and never import from server/. A change to the contract
 * changes both copies (server/core/types.ts and server/core/registry/slot-views.ts).
 */

/** A pull job's state, or an image's presence when no job exists. */
export type PullState = 'pulling' | 'completed' | 'failed' | 'cancelled' | 'present' | 'missing' | 'unknown';

export type PullPhase = 'resolving' | 'downloading' | 'extracting' | 'finalizing';

export type PullErrorCode =
  | 'pull.not_found'
  | 'pull.unauthorized'
  | 'pull.registry_unreachable'
  | 'pull.engine_error'
  | 'pull.interrupted';

export interface LayerSnapshot {
  readonly id: string;
  readonly phase: string;
  readonly current: number | null;
  readonly total: number | null;
}

/** Every frame of every stream and every pull answer. */
export interface PullSnapshot {
  readonly slot_name: string;
  readonly image: string;
  readonly job_id: string | null;
  readonly runtime: string;
  readonly state: PullState;
  readonly phase: PullPhase | null;
  /** null: indeterminate. Never goes down within a job; 100 exactly when completed. */
  readonly percent: number | null;
  readonly bytes_done: number | null;
  readonly bytes_total: number | null;
  /** false: more layers or sizes may still appear (show "≥"). */
  readonly bytes_total_exact: boolean;
  readonly layer: number | null;
  readonly total_layers: number | null;
  readonly layers_cached: number | null;
  readonly layers: readonly LayerSnapshot[];
  readonly speed_bps: number | null;
  readonly eta_s: number | null;
  readonly error: string | null;
  readonly error_code: PullErrorCode | null;
  readonly started_at: string | null;
  readonly updated_at: string | null;
  readonly finished_at: string | null;
}

export type ContainerStatus = 'running' | 'stopped' | 'crashed' | 'absent' | 'unknown';

export interface ContainerSlotInfo {
  readonly name: string;
  readonly provider: 'container';
  readonly image: string;
  readonly image_status: 'present' | 'pulling' | 'missing' | 'unknown';
  /** The container whose state is reported (default `slot-<name>`). */
  readonly container: string;
  readonly container_status: ContainerStatus;
  readonly container_error: string | null;
  readonly pull: PullSnapshot | null;
}

export interface ExternalSlotInfo {
  readonly name: string;
  readonly provider: 'external';
  readonly pull: null;
}

/** `GET /api/slots/:name` (only the fields the elements read). */
export type SlotInfo = ContainerSlotInfo | ExternalSlotInfo;

/** `POST /api/slots/:name/pull`. */
export type PullStartAnswer = PullSnapshot & { readonly resumed: boolean };

/** The error body of every non-2xx JSON answer (CONTRACT §2). */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

const STATES: ReadonlySet<string> = new Set(['pulling', 'completed', 'failed', 'cancelled', 'present', 'missing', 'unknown']);

/** A frame that is not a snapshot is dropped rather than trusted. */
export function isPullSnapshot(value: unknown): value is PullSnapshot {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.slot_name === 'string' && typeof v.image === 'string' && typeof v.state === 'string' && STATES.has(v.state);
}

/** A job's state other than `pulling`, or a no-job state. */
export const isTerminal = (snapshot: PullSnapshot): boolean => snapshot.state !== 'pulling';
