/**
 * The types core modules share: the normalized events that flow engine →
 * parser → aggregator → registry → streams, and the wire types the core
 * builds, re-exported from wire/ (the one description of the API's JSON) so
 * that every core module imports its types from here.
 */
import type { LayerPhase, PullSnapshot } from '../../wire/types.ts';

export type {
  ContainerStatus,
  ImagePresence,
  ImageStatus,
  JobState,
  LayerPhase,
  LayerSnapshot,
  PullErrorCode,
  PullHistoryEntry,
  PullHistoryPage,
  PullPhase,
  PullSnapshot,
  PullState,
  SlotInfo,
} from '../../wire/types.ts';

/** The progress part of a PullSnapshot: what the aggregator owns. */
export type PullProgressFields = Omit<PullSnapshot, 'slot_name' | 'image' | 'job_id' | 'runtime' | 'queue_position' | 'server_restarts' | keyof SlotFacts>;

/** What a snapshot says of its slot beside the job: the image and the container now, and who shares the pull. */
export type SlotFacts = Pick<PullSnapshot, 'image_status' | 'container_status' | 'container_error' | 'shared_with'>;

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
  | { kind: 'unparsed'; line: string }
  /**
   * What the image is made of, from its registry's manifest, read beside the
   * engine's pull (not a line of the engine's): exact sizes before the engine
   * reports a byte. The engine names a layer by the first 12 hex digits of
   * its digest; the config blob is not a layer.
   */
  | { kind: 'plan'; plan: LayerPlan };

/** An image's layers as its manifest lists them, in manifest order. */
export interface LayerPlan {
  readonly layers: readonly { readonly digest: string; readonly size: number }[];
  /** The config blob's digest (`sha256:…`): the image id. */
  readonly config: string;
}

/** Which parser a runtime's output needs. */
export type PullOutputFormat = 'engine-json' | 'docker-cli' | 'podman-cli';
