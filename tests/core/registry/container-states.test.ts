import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ContainerStates } from '../../../server/core/registry/container-states.ts';
import { countingClock } from '../../helpers/clock.ts';
import { ScriptedRuntime } from '../../helpers/scripted-runtime.ts';

const TTL_MS = 2000;
const CRASHED = { status: 'crashed', error: 'exited with code 3' } as const;

describe('ContainerStates', () => {
  let runtime: ScriptedRuntime;
  let states: ContainerStates;
  let heard: string[];

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    runtime = new ScriptedRuntime();
    states = new ContainerStates({ runtime, clock: countingClock(), names: ['slot-a', 'slot-b', 'slot-a'], ttlMs: TTL_MS });
    heard = [];
    states.watch(['slot-a', 'slot-b'], (name) => heard.push(name));
  });
  afterEach(() => vi.useRealTimers());

  it('lists every name once, for every caller within the TTL, and knows the answer afterwards', async () => {
    expect(states.known('slot-a')).toBeUndefined();
    runtime.containers.set('slot-a', CRASHED);
    expect(await Promise.all([states.get('slot-a'), states.get('slot-b')])).toEqual([CRASHED, { status: 'absent', error: null }]);
    expect([runtime.containerListCalls, runtime.containerListNames[0]]).toEqual([1, ['slot-a', 'slot-b']]);
    expect(states.known('slot-a')).toEqual(CRASHED);
    // A first answer is no change.
    expect(heard).toEqual([]);
  });

  it('tells a change of one container on a refresh, and keeps the object of a state that did not change', async () => {
    await states.get('slot-a');
    const b = states.known('slot-b');
    runtime.containers.set('slot-a', { status: 'running', error: null });
    await states.refresh();
    expect(heard).toEqual(['slot-a']);
    expect(states.known('slot-b')).toBe(b);
    runtime.containers.set('slot-a', CRASHED);
    await states.refresh();
    expect([heard, states.known('slot-a')]).toEqual([['slot-a', 'slot-a'], CRASHED]);
    expect(runtime.containerListCalls).toBe(3);
  });

  it('makes every container unknown, with why, when the runtime cannot list them', async () => {
    await states.get('slot-a');
    runtime.containerListFailure = 'Cannot connect to the Docker daemon';
    await states.refresh();
    const unknown = { status: 'unknown', error: 'Cannot connect to the Docker daemon' };
    expect([states.known('slot-a'), states.known('slot-b'), heard]).toEqual([unknown, unknown, ['slot-a', 'slot-b']]);
  });

  it('refuses a container it was not made with', async () => {
    await expect(states.get('other')).rejects.toThrow('container "other" is not among those these states were made with');
  });
});
