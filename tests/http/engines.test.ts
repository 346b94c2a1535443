/** Several engines behind one server: dedupe per engine, failures kept apart. */
import { beforeEach, describe, expect, it } from 'vitest';
import { RuntimeFailure } from '../../server/core/runtime.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { ScriptedRuntime } from '../helpers/scripted-runtime.ts';

const SLOTS = {
  engines: { gpu1: 'unix:///tmp/gpu1.sock', gpu2: 'tcp://127.0.0.1:2375' },
  slots: [
    { name: 'local', provider: 'container', image: 'ghcr.io/acme/server:1' },
    { name: 'one', provider: 'container', image: 'ghcr.io/acme/server:1', engine: 'gpu1' },
    { name: 'one-b', provider: 'container', image: 'ghcr.io/acme/server:1', engine: 'gpu1' },
    { name: 'two', provider: 'container', image: 'ghcr.io/acme/server:1', engine: 'gpu2' },
  ],
};

/** A FAKE engine that cannot be reached, as a named engine reports it. */
class DownRuntime extends ScriptedRuntime {
  override async inspectImage(): Promise<'present' | 'missing'> {
    throw new RuntimeFailure('engine "gpu2": no container engine answers at tcp://127.0.0.1:2375');
  }
  override containerListFailure: string | null = 'engine "gpu2": no container engine answers at tcp://127.0.0.1:2375';
  unavailable(): string {
    return 'engine "gpu2": no container engine answers at tcp://127.0.0.1:2375';
  }
}

describe('several engines', () => {
  let local: ScriptedRuntime;
  let gpu1: ScriptedRuntime;
  let gpu2: DownRuntime;
  let app: TestApp;

  const http = useTestApp((built) => ({ runtime: local, app } = built));
  beforeEach(() => {
    gpu1 = new ScriptedRuntime('podman');
    gpu2 = new DownRuntime('docker');
    http.start({ options: { engines: new Map([['gpu1', gpu1], ['gpu2', gpu2]]) }, slots: SLOTS });
  });

  it('pulls one image once per engine, and slots on one engine share it', async () => {
    const post = (name: string) => app.request(`/api/slots/${name}/pull`, { method: 'POST' }).then((r) => r.json());
    expect(await post('local')).toMatchObject({ resumed: false, runtime: 'docker' });
    expect(await post('one')).toMatchObject({ resumed: false, runtime: 'podman' });
    expect(await post('one-b')).toMatchObject({ resumed: true, runtime: 'podman' });
    expect(local.pulls).toHaveLength(1);
    expect(gpu1.pulls).toHaveLength(1);
  });

  it('makes only the unreachable engine\'s slots unknown, and refuses its pulls with 503', async () => {
    gpu1.presence.set('ghcr.io/acme/server:1', 'present');
    const slots = (await (await app.request('/api/slots')).json()) as Record<string, unknown>[];
    expect(slots.map((slot) => [slot.name, slot.image_status, slot.container_status])).toEqual([
      ['local', 'missing', 'absent'],
      ['one', 'present', 'absent'],
      ['one-b', 'present', 'absent'],
      ['two', 'unknown', 'unknown'],
    ]);
    // One container list per engine, for that engine's slots; the one that is down says why.
    expect([local.containerListNames, gpu1.containerListNames, gpu2.containerListNames]).toEqual([[['slot-local']], [['slot-one', 'slot-one-b']], [['slot-two']]]);
    expect(slots.find((slot) => slot.name === 'two')?.container_error).toBe('engine "gpu2": no container engine answers at tcp://127.0.0.1:2375');
    const refused = await app.request('/api/slots/two/pull', { method: 'POST' });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ error: { code: 'runtime.unavailable', message: expect.stringContaining('no container engine answers') } });
    expect(gpu2.pulls).toHaveLength(0);
    expect((await app.request('/api/slots/one/pull', { method: 'POST' })).status).toBe(202);
  });

  it('reports each engine in /api/health', async () => {
    expect(await (await app.request('/api/health')).json()).toEqual({
      ok: true,
      runtime: 'docker',
      version: 'test',
      engines: {
        gpu1: { runtime: 'podman', unavailable: null },
        gpu2: { runtime: 'docker', unavailable: 'engine "gpu2": no container engine answers at tcp://127.0.0.1:2375' },
      },
    });
  });
});
