/**
 * The wire types of CONTRACT §4 and the normalized events that flow
 * engine → parser → aggregator → registry → streams. Types only: no code.
 */

/** States of a pull job, plus the three no-job states of an image. */
export const PullState = {
  pulling: 'pulling',
  completed: 'completed',
  failed: 'failed',
  cancelled: 'cancelled',
  present: 'present',
  missing: 'missing',
  unknown: 'unknown',
} as const;
export type PullState = (typeof PullState)[keyof typeof PullState];

export type JobState = 'pulling' | 'completed' | 'failed' | 'cancelled';
export type ImagePresence = 'present' | 'missing' | 'unknown';
export type ImageStatus = ImagePresence | 'pulling';

export type PullPhase = 'resolving' | 'downloading' | 'extracting' | 'finalizing';

export type PullErrorCode =
  | 'pull.not_found'
  | 'pull.unauthorized'
  | 'pull.registry_unreachable'
  | 'pull.engine_error'
  | 'pull.interrupted';

/** Where one layer is in its life. `cached` layers were already on disk. */
export type LayerPhase =
  | 'waiting'
  | 'downloading'
  | 'verifying'
  | 'downloaded'
  | 'extracting'
  | 'complete'
  | 'cached';

export interface LayerSnapshot {
  id: string;
  phase: LayerPhase;
  /** Bytes of the current phase (download or extraction); null when unknown. */
  current: number | null;
  /** Size of the layer; null until the engine says. */
  total: number | null;
}

/** The progress part of a PullSnapshot: what the aggregator owns. */
export interface PullProgressFields {
  state: PullState;
  phase: PullPhase | null;
  percent: number | null;
  bytes_done: number | null;
  bytes_total: number | null;
  bytes_total_exact: boolean;
  layer: number | null;
  total_layers: number | null;
  layers_cached: number | null;
  layers: LayerSnapshot[];
  speed_bps: number | null;
  eta_s: number | null;
  error: string | null;
  error_code: PullErrorCode | null;
  started_at: string | null;
  updated_at: string | null;
  finished_at: string | null;
}

/** Every frame of every stream and every pull answer (CONTRACT §4). */
export interface PullSnapshot extends PullProgressFields {
  slot_name: string;
  image: string;
  job_id: string | null;
  runtime: string;
  /** 1 for the next queued job while the concurrent-pull cap holds it back; null otherwise. */
  queue_position: number | null;
}

export type ContainerStatus = 'running' | 'stopped' | 'crashed' | 'absent' | 'unknown';

/** One normalized line of engine output. */
export type ProgressEvent =
  /** A layer changed: from `Pulling fs layer`, `Downloading`, `Pull complete`, … */
  | {
      kind: 'layer';
      id: string;
      phase: LayerPhase;
      /** progressDetail.current when the engine sent one. */
      current?: number;
      /** progressDetail.total when the engine sent one. */
      total?: number;
      /** progressDetail.units (containerd reports extraction in seconds: "s"). */
      units?: string;
    }
  /** `Retrying in N seconds`: the layer's download starts over. */
  | { kind: 'retry'; id: string; seconds: number }
  /** The engine is resolving the reference (`Pulling from …`, `Trying to pull …`). */
  | {
      kind: 'resolving';
      message: string;
      /**
       * True for Docker's `Pulling from …`: this engine reports per-layer
       * extraction (`Extracting`, `Pull complete`) after each download.
       */
      reportsExtraction?: boolean;
    }
  /** The engine is writing the image (`Digest:`, `Status:`, `Writing manifest…`). */
  | { kind: 'finalizing'; message: string }
  /** The pulled image's id (podman's closing line). Not a layer. */
  | { kind: 'image'; id: string }
  /** An error reported inside a stream that began with success. */
  | { kind: 'error'; message: string }
  /** A line that says nothing about progress (kept for logs). */
  | { kind: 'note'; message: string }
  /** A line that could not be parsed; counted, never fatal. */
  | { kind: 'unparsed'; line: string };

/** Which parser a runtime's output needs. */
export type PullOutputFormat = 'engine-json' | 'docker-cli' | 'podman-cli';
