/**
 * The JSON the API sends (docs/api.md), as TypeScript types: the one
 * description both ends build on. The server's core builds these objects; the
 * zod schemas in server/http/schemas.ts (and so /api/openapi.json) are checked
 * against them at compile time; the elements read them. Types only: importers
 * use `import type`, so nothing of this file reaches a bundle.
 *
 * Fields are readonly: a client reads what arrived, and the elements share
 * one parsed frame between every element of a slot.
 */
import type { ContainerStatus, ImageStatus, JobState, LayerPhase, PullErrorCode, PullPhase, PullState } from './values.ts';

export type { ApiErrorCode, ContainerStatus, ImagePresence, ImageStatus, JobState, LayerPhase, PullErrorCode, PullPhase, PullState } from './values.ts';

export interface LayerSnapshot {
  readonly id: string;
  readonly phase: LayerPhase;
  /** Bytes of the current phase (download or extraction); null when unknown. */
  readonly current: number | null;
  /** Size of the layer; null until the engine says. */
  readonly total: number | null;
}

/** Every frame of every stream and every pull answer. */
export interface PullSnapshot {
  readonly slot_name: string;
  readonly image: string;
  readonly job_id: string | null;
  readonly runtime: string;
  /** While the concurrent-pull cap holds the job back: 1 = next to start; null otherwise. */
  readonly queue_position: number | null;
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
  /** Seconds until the image is ready (downloads and, where its rate is known, extraction); null rather than a promise it can't keep. */
  readonly eta_s: number | null;
  /** Share of the layers' extraction done, 0..100 to a tenth, where the engine reports extraction bytes (dockerd); else null. */
  readonly extract_percent: number | null;
  /** Seconds spent extracting so far, where the engine reports extraction in seconds (Docker 28+ with the containerd store); else null. */
  readonly extract_seconds: number | null;
  /** While downloading with no byte arrived for 15 s or more: seconds since the last byte; else null. */
  readonly stalled_s: number | null;
  /** The engine's or CLI's own words. */
  readonly error: string | null;
  readonly error_code: PullErrorCode | null;
  /** ISO 8601 instants. */
  readonly started_at: string | null;
  readonly updated_at: string | null;
  readonly finished_at: string | null;
  /** The slot's image now: `pulling` while a job runs, else what the engine says (the Slot's `image_status`). */
  readonly image_status: ImageStatus;
  /** The slot's container now, as in the Slot; a crash or a start shows within a few seconds on an open stream. */
  readonly container_status: ContainerStatus;
  /** Why the container crashed, or why its state is unknown. */
  readonly container_error: string | null;
  /** The other slots whose image this is on the same engine: they share its pull, and a cancel stops it for them too. */
  readonly shared_with: readonly string[];
  /** Server restarts this job was taken up again after (0 for most, and with no job). */
  readonly server_restarts: number;
}

/** `POST /api/slots/:name/pull`. */
export interface PullAnswer extends PullSnapshot {
  /** True when the POST joined a pull already running for this image. */
  readonly resumed: boolean;
}

interface SlotInfoCommon {
  readonly name: string;
  readonly port: number | null;
  readonly model: string | null;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ContainerSlotInfo extends SlotInfoCommon {
  readonly provider: 'container';
  readonly image: string;
  readonly image_status: ImageStatus;
  /** The container whose state is reported (default `slot-<name>`). */
  readonly container: string;
  readonly container_status: ContainerStatus;
  /** Why the container crashed, or why its state is unknown. */
  readonly container_error: string | null;
  /** The active or recent job's snapshot; null when no job touched the image lately. */
  readonly pull: PullSnapshot | null;
}

export interface ExternalSlotInfo extends SlotInfoCommon {
  readonly provider: 'external';
  readonly url: string | null;
  readonly pull: null;
}

/** `GET /api/slots/:name`, and each entry of `GET /api/slots`. */
export type SlotInfo = ContainerSlotInfo | ExternalSlotInfo;

/** A named engine in `GET /api/health`. */
export interface EngineHealth {
  readonly runtime: string;
  /** Why the engine is known to be down; null while it is not. */
  readonly unavailable: string | null;
}

/** `GET /api/health`. */
export interface Health {
  readonly ok: true;
  /** docker, podman, cli:docker, cli:podman or demo. */
  readonly runtime: string;
  readonly version: string;
  /** Engines named in the slots file, when there are any. */
  readonly engines?: Readonly<Record<string, EngineHealth>>;
}

/** `POST /api/stream-ticket`: a credential for opening an event stream (`?ticket=`), not the token. */
export interface StreamTicket {
  readonly ticket: string;
  /** Seconds the ticket opens streams for; an open stream outlives it. */
  readonly expires_in_s: number;
}

/** One pull in `GET /api/pulls`: a finished job, or one still running. */
export interface PullHistoryEntry {
  readonly job_id: string;
  /** The slots whose image it pulled. */
  readonly slots: readonly string[];
  readonly image: string;
  /** docker, podman, cli:docker, cli:podman or demo, as in its snapshots. */
  readonly runtime: string;
  /** The engine's name in the slots file; null for the server's own runtime. */
  readonly engine: string | null;
  readonly state: JobState;
  readonly error_code: PullErrorCode | null;
  /** The engine's or CLI's own words. */
  readonly error: string | null;
  /** ISO 8601 instants; `finished_at` is null while the job runs. */
  readonly started_at: string;
  readonly finished_at: string | null;
  /** Bytes fetched (so far, while running); for a job taken up again after a restart, those of its last run. */
  readonly bytes_done: number | null;
  readonly bytes_total: number | null;
  /** Start to finish (to now while running), in seconds to a tenth; a restart's downtime included. */
  readonly duration_s: number;
  /** Average: bytes_done over duration_s; null when either is unknown or zero. */
  readonly speed_bps: number | null;
  readonly server_restarts: number;
}

/** `GET /api/pulls`: newest first. */
export interface PullHistoryPage {
  readonly jobs: readonly PullHistoryEntry[];
  /** Pass as `before` for the next page; null on the last one. */
  readonly next_before: string | null;
}

/**
 * The body of every non-2xx JSON answer. `code` is one of API_ERROR_CODES
 * (wire/values.ts); it is typed as any string because the list may grow, and
 * a client should treat a code it does not know as a generic failure.
 */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details: Readonly<Record<string, unknown>>;
  };
}
