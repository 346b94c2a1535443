import { describe, expect, it } from 'vitest';
import { PullProgress } from '../../../server/core/progress/aggregate.ts';
import { parseImageReference } from '../../../server/core/reference.ts';
import { createPullJob } from '../../../server/core/registry/pull-job.ts';
import { jobSnapshot, noJobSnapshot } from '../../../server/core/registry/slot-snapshot.ts';
import { containerSlot } from '../../helpers/container-slot.ts';

const NOW = 1_000_000;
const image = parseImageReference('127.0.0.1:5000/feas/multi:1');
const slot = containerSlot('chat', image.raw);
const clock = { now: () => NOW, setTimeout: () => null, clearTimeout: () => {} };
const job = createPullJob({ id: 'p_1', image, runtime: 'podman', tracker: new PullProgress(NOW), clock, queuePosition: () => 1 });
const facts = { image_status: 'pulling', container_status: 'crashed', container_error: 'exited with code 1', shared_with: ['code'] } as const;

describe('jobSnapshot', () => {
  it('names the slot, its image as written, the job and its engine, with the job\'s progress and the slot\'s facts', () => {
    expect(jobSnapshot(slot, job, facts)).toEqual({ slot_name: 'chat', image: image.raw, job_id: 'p_1', runtime: 'podman', ...job.progress(), server_restarts: 0, ...facts });
    expect(jobSnapshot(slot, job, facts)).toMatchObject({ state: 'pulling', queue_position: 1, container_status: 'crashed', shared_with: ['code'] });
  });
});

describe('noJobSnapshot', () => {
  it('says the image\'s presence and the slot\'s facts, nothing else', () => {
    expect(noJobSnapshot(slot, 'present', 'docker', { ...facts, image_status: 'present' })).toMatchObject({
      slot_name: 'chat',
      image: image.raw,
      job_id: null,
      runtime: 'docker',
      state: 'present',
      percent: null,
      layers: [],
      error: null,
      image_status: 'present',
      container_status: 'crashed',
      shared_with: ['code'],
    });
  });

  it('has exactly the fields of a job\'s snapshot, so the wire has one shape', () => {
    expect(Object.keys(noJobSnapshot(slot, 'missing', 'docker', facts)).sort()).toEqual(Object.keys(jobSnapshot(slot, job, facts)).sort());
  });
});
