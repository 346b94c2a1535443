/**
 * The port every container runtime implements (engine API, CLI, demo).
 * The core drives pulls through it and never knows what is behind it.
 */
import type { ImageReference } from './reference.ts';
import type { ContainerStatus, LayerPlan, PullOutputFormat } from './types.ts';

export interface ContainerState {
  status: ContainerStatus;
  /** Why a crashed container stopped, e.g. "exited with code 137 (out of memory)". */
  error: string | null;
}

/** A running pull: its raw output and the parser it needs. */
export interface PullOutput {
  format: PullOutputFormat;
  /**
   * Raw text as the runtime produced it, split anywhere. Ends when the pull
   * ends; throws a {@link RuntimeFailure} when the runtime reports a failure
   * outside the stream (an HTTP status, an exit code).
   */
  chunks: AsyncIterable<string>;
}

export interface ContainerRuntime {
  /** As shown in /api/health: `docker`, `podman`, `cli:docker`, `cli:podman` or `demo`. */
  readonly name: string;
  /** Resolves present or missing; rejects when the runtime cannot be asked. */
  inspectImage(image: ImageReference, signal?: AbortSignal): Promise<'present' | 'missing'>;
  /**
   * The image's layers and their sizes from its registry, read beside a pull
   * (null when the registry can't be read from here: the engine's numbers
   * then stand alone). Never rejects.
   */
  readLayerPlan?(image: ImageReference, signal: AbortSignal): Promise<LayerPlan | null>;
  /** Starts a pull at once; aborting `signal` stops it and ends `chunks`. */
  pullImage(image: ImageReference, signal: AbortSignal): PullOutput;
  /**
   * The state of each named container, from one list of the runtime's
   * containers plus, for those the list shows crashed, one inspect that says
   * why (out of memory, the engine's error): a listing costs one request
   * however many slots it shows. Every name gets an entry, `absent` when no
   * container has it. Rejects when the runtime cannot be asked.
   */
  containerStates(names: readonly string[], signal?: AbortSignal): Promise<Map<string, ContainerState>>;
  /** Why the runtime is known to be unreachable right now, or null; a pull is then refused with 503. */
  unavailable?(): string | null;
}

/** A runtime's own failure, in its own words, with what else it said in `details`. */
export class RuntimeFailure extends Error {
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'RuntimeFailure';
    this.details = details;
  }
}
