/** Jobs for the history tests: readable defaults, one field changed where it matters. */
import type { ActiveJob, FinishedJob } from '../../../server/core/history/record.ts';

export const T0 = Date.parse('2026-12-01T10:00:00.000Z');

export function activeJob(fields: Partial<ActiveJob> = {}): ActiveJob {
  return { id: 'p_a', image: 'registry.test/models/llama:q4', runtime: 'podman', slots: ['llama'], started_at: T0, resumes: 0, progress: null, ...fields };
}

export function finishedJob(fields: Partial<FinishedJob> = {}): FinishedJob {
  return {
    id: 'p_f',
    image: 'registry.test/models/llama:q4',
    runtime: 'podman',
    slots: ['llama'],
    state: 'completed',
    error_code: null,
    error: null,
    started_at: T0,
    finished_at: T0 + 60_000,
    bytes_done: 600_000_000,
    bytes_total: 600_000_000,
    resumes: 0,
    ...fields,
  };
}
