/** A slot's PullSnapshot (docs/api.md, PullSnapshot), from its job or, with no job, from its image's presence; with the slot's facts. */
import type { ContainerSlot } from '../slot.ts';
import type { ImagePresence, PullSnapshot, SlotFacts } from '../types.ts';
import type { JobProgress, PullJobView } from './pull-job.ts';

/** The snapshot of the slot's job, with the job's `progress` (default: as it is now). */
export function jobSnapshot(slot: ContainerSlot, job: PullJobView, facts: SlotFacts, progress: JobProgress = job.progress()): PullSnapshot {
  return { slot_name: slot.name, image: slot.image.raw, job_id: job.id, runtime: job.runtime, ...progress, server_restarts: job.serverRestarts, ...facts };
}

/** The snapshot of a slot no job has touched lately: its image's presence, and its facts. */
export function noJobSnapshot(slot: ContainerSlot, presence: ImagePresence, runtime: string, facts: SlotFacts): PullSnapshot {
  return {
    slot_name: slot.name,
    image: slot.image.raw,
    job_id: null,
    runtime,
    queue_position: null,
    state: presence,
    phase: null,
    percent: null,
    bytes_done: null,
    bytes_total: null,
    bytes_total_exact: false,
    layer: null,
    total_layers: null,
    layers_cached: null,
    layers: [],
    speed_bps: null,
    eta_s: null,
    extract_percent: null,
    extract_seconds: null,
    stalled_s: null,
    error: null,
    error_code: null,
    started_at: null,
    updated_at: null,
    finished_at: null,
    server_restarts: 0,
    ...facts,
  };
}
