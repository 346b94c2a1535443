import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateSlotsFile } from '../../../server/config/schema.ts';
import { type ContainerSlot, type Slot } from '../../../server/core/slot.ts';
import { SlotViews } from '../../../server/core/registry/slot-views.ts';
import { countingClock } from '../../helpers/clock.ts';
import { ScriptedRuntime } from '../../helpers/scripted-runtime.ts';
import { slotTargets, type Targets } from '../../helpers/slot-targets.ts';

const TTL_MS = 2000;
const SLOTS = 100;
const IMAGES = ['tiny', 'base-a', 'busybox', 'multi', 'base-b'].map((name) => `127.0.0.1:5000/slotpull/${name}:1`);

/** 100 container slots over 5 images, every other one on engine "gpu"; the last two share a container. */
function slotsFile() {
  return {
    engines: { gpu: 'tcp://127.0.0.1:2375' },
    slots: [
      ...Array.from({ length: SLOTS }, (_, i) => ({
        name: `s${String(i).padStart(3, '0')}`,
        provider: 'container',
        image: IMAGES[i % IMAGES.length],
        ...(i % 2 === 1 ? { engine: 'gpu' } : {}),
        ...(i === SLOTS - 1 ? { container: 'slot-s097' } : {}),
      })),
      { name: 'web', provider: 'external', url: 'http://127.0.0.1:8082' },
    ],
  };
}

describe('SlotViews container status', () => {
  let local: ScriptedRuntime;
  let gpu: ScriptedRuntime;
  let parts: Targets;
  let slots: Slot[];
  let views: SlotViews;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    local = new ScriptedRuntime('docker');
    gpu = new ScriptedRuntime('podman');
    const config = validateSlotsFile(slotsFile(), 'test');
    if (!config.ok) throw new Error(config.problems.join('\n'));
    slots = config.slots;
    parts = slotTargets({
      runtimes: new Map<string | null, ScriptedRuntime>([
        [null, local],
        ['gpu', gpu],
      ]),
      slots: slots.filter((slot): slot is ContainerSlot => slot.provider === 'container'),
      clock: countingClock(),
      ttlMs: TTL_MS,
    });
    views = new SlotViews(parts.feed);
  });
  afterEach(() => {
    parts.close();
    vi.useRealTimers();
  });

  const listAll = () => Promise.all(slots.map((slot) => views.view(slot)));
  const containerOf = async (name: string) => {
    const view = await views.view(slots.find((slot) => slot.name === name) as Slot);
    return view.provider === 'container' ? [view.container_status, view.container_error] : null;
  };

  it('asks each runtime for one container list per TTL, for all its slots at once', async () => {
    local.containers.set('slot-s000', { status: 'running', error: null });
    gpu.containers.set('slot-s001', { status: 'stopped', error: null });
    const listed = await listAll();
    expect([local.containerListCalls, gpu.containerListCalls]).toEqual([1, 1]);
    // Each runtime is asked about its own slots' containers, each name once.
    expect(local.containerListNames[0]).toHaveLength(SLOTS / 2);
    expect(gpu.containerListNames[0]).toHaveLength(SLOTS / 2 - 1);
    expect(new Set([...local.containerListNames[0]!, ...gpu.containerListNames[0]!]).size).toBe(SLOTS - 1);
    expect(listed.map((view) => (view.provider === 'container' ? view.container_status : view.provider)).slice(0, 3)).toEqual([
      'running',
      'stopped',
      'absent',
    ]);

    // Within the TTL, one by one or all at once: no further list.
    for (const slot of slots) await views.view(slot);
    await listAll();
    expect([local.containerListCalls, gpu.containerListCalls]).toEqual([1, 1]);

    await vi.advanceTimersByTimeAsync(TTL_MS);
    local.containers.set('slot-s000', { status: 'stopped', error: null });
    expect(await containerOf('s000')).toEqual(['stopped', null]);
    await listAll();
    expect([local.containerListCalls, gpu.containerListCalls]).toEqual([2, 2]);
  });

  it('makes the slots of a runtime whose list failed unknown, with why, until its TTL is over', async () => {
    gpu.containerListFailure = 'engine "gpu": no container engine answers at tcp://127.0.0.1:2375';
    local.containers.set('slot-s000', { status: 'running', error: null });
    const listed = await listAll();
    const byEngine = (engine: string | null) =>
      new Set(listed.filter((view, i) => (slots[i] as ContainerSlot).engine === engine).map((view) => view.provider === 'container' && `${view.container_status}: ${view.container_error}`));
    expect(byEngine('gpu')).toEqual(new Set(['unknown: engine "gpu": no container engine answers at tcp://127.0.0.1:2375']));
    expect(await containerOf('s000')).toEqual(['running', null]);

    // The failure is an answer too: not asked again within the TTL, asked again after it.
    gpu.containerListFailure = null;
    await listAll();
    expect(gpu.containerListCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(TTL_MS);
    expect(await containerOf('s001')).toEqual(['absent', null]);
    expect(gpu.containerListCalls).toBe(2);
  });

  it('shows a crashed container with the runtime’s words for why', async () => {
    gpu.containers.set('slot-s003', { status: 'crashed', error: 'exited with code 137 (out of memory)' });
    local.containers.set('slot-s004', { status: 'crashed', error: 'exited with code 3' });
    expect(await containerOf('s003')).toEqual(['crashed', 'exited with code 137 (out of memory)']);
    expect(await containerOf('s004')).toEqual(['crashed', 'exited with code 3']);
    // Two slots on one container show the same state.
    gpu.containers.set('slot-s097', { status: 'crashed', error: 'is dead (exit code 1)' });
    await vi.advanceTimersByTimeAsync(TTL_MS);
    expect(await containerOf('s099')).toEqual(['crashed', 'is dead (exit code 1)']);
    expect(await containerOf('s097')).toEqual(['crashed', 'is dead (exit code 1)']);
  });

  it('refuses a slot it was not made with', async () => {
    const config = validateSlotsFile({ slots: [{ name: 'other', provider: 'container', image: IMAGES[0], container: 'not-listed' }] }, 'other');
    if (!config.ok) throw new Error(config.problems.join('\n'));
    await expect(views.view(config.slots[0]!)).rejects.toThrow('container "not-listed" is not among those these states were made with');
    expect(local.containerListCalls).toBe(0);
  });
});
