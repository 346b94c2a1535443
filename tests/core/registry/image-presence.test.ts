import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseImageReference } from '../../../server/core/reference.ts';
import { createImagePresence, type ImagePresenceCache } from '../../../server/core/registry/image-presence.ts';
import { countingClock } from '../../helpers/clock.ts';
import { ScriptedRuntime } from '../../helpers/scripted-runtime.ts';

const TTL_MS = 2000;
const image = parseImageReference('127.0.0.1:5000/feas/multi:1');

describe('createImagePresence', () => {
  let runtime: ScriptedRuntime;
  let presence: ImagePresenceCache;
  let changed: string[];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    runtime = new ScriptedRuntime();
    changed = [];
    presence = createImagePresence({ runtime, clock: countingClock(), ttlMs: TTL_MS, changed: (changedImage) => changed.push(changedImage.key) });
  });
  afterEach(() => vi.useRealTimers());

  it('asks the engine once for every caller at once, and again after the TTL', async () => {
    runtime.presence.set(image.key, 'present');
    const answers = await Promise.all(Array.from({ length: 50 }, () => presence.get(image)));
    expect(new Set(answers)).toEqual(new Set(['present']));
    expect(runtime.inspectCalls).toBe(1);
    runtime.presence.set(image.key, 'missing');
    await vi.advanceTimersByTimeAsync(TTL_MS - 1);
    expect(await presence.get(image)).toBe('present');
    await vi.advanceTimersByTimeAsync(1);
    expect(await presence.get(image)).toBe('missing');
    expect(runtime.inspectCalls).toBe(2);
  });

  it('shares spellings of one image', async () => {
    const nginx = parseImageReference('nginx');
    await presence.get(nginx);
    await presence.get(parseImageReference('docker.io/library/nginx:latest'));
    expect(runtime.inspectCalls).toBe(1);
  });

  it('answers unknown, never missing, when the engine cannot be asked', async () => {
    runtime.presence.set(image.key, 'error');
    expect(await presence.get(image)).toBe('unknown');
  });

  it('asks again at once after forget', async () => {
    expect(await presence.get(image)).toBe('missing');
    runtime.presence.set(image.key, 'present');
    presence.forget(image);
    expect(await presence.get(image)).toBe('present');
    expect(runtime.inspectCalls).toBe(2);
  });

  it('knows the last answer without asking, and tells a change of it (not the first answer)', async () => {
    expect(presence.known(image)).toBeUndefined();
    runtime.presence.set(image.key, 'present');
    await presence.get(image);
    expect([presence.known(image), changed]).toEqual(['present', []]);
    // refresh asks within the TTL too.
    runtime.presence.set(image.key, 'missing');
    expect(await presence.refresh(image)).toBe('missing');
    expect([presence.known(image), changed, runtime.inspectCalls]).toEqual(['missing', [image.key], 2]);
    await presence.refresh(image);
    expect(changed).toEqual([image.key]);
  });

  it('takes what a completed pull says on forget, and asks again on the next get', async () => {
    await presence.get(image);
    presence.forget(image, 'present');
    expect(presence.known(image)).toBe('present');
    runtime.presence.set(image.key, 'present');
    expect(await presence.get(image)).toBe('present');
    expect([runtime.inspectCalls, changed]).toEqual([2, []]);
  });
});
