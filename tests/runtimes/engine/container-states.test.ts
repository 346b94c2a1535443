/**
 * The engine runtime's container list against a FAKE engine (an injected
 * fetch): the answers no real engine gives on demand — an error status, a
 * body that is not a list, an inspect that fails between list and inspect.
 * tests/engines/pull.test.ts runs the same path on real podman and dockerd.
 */
import { describe, expect, it } from 'vitest';
import { RuntimeFailure } from '../../../server/core/runtime.ts';
import { parseEngineEndpoint } from '../../../server/core/engine-endpoint.ts';
import { createEngineRuntime } from '../../../server/runtimes/engine/engine.ts';

const LIST_PATH = '/containers/json?all=1';
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

const LIST = [
  { Names: ['/slot-run'], State: 'running', Status: 'Up 3 hours' },
  { Names: ['/slot-oom'], State: 'exited', Status: 'Exited (137) 5 minutes ago' },
  { Names: ['/slot-bad'], State: 'exited', Status: 'Exited (127) 5 minutes ago' },
  { Names: ['/other'], State: 'exited', Status: 'Exited (1) 1 hour ago' },
];

/** An engine runtime over a fake engine that answers by path; every path asked is recorded. */
function fakeEngine(answer: (path: string) => Response | Promise<Response>) {
  const paths: string[] = [];
  const runtime = createEngineRuntime(parseEngineEndpoint('unix:///tmp/slotpull-fake-engine.sock'), 'docker', 'fake', {
    fetch: async (path) => {
      paths.push(path);
      return answer(path);
    },
  });
  return { runtime, paths };
}

describe('containerStates on the engine API', () => {
  it('lists once, then inspects only the crashed containers it was asked about, for why', async () => {
    const { runtime, paths } = fakeEngine((path) => {
      if (path === LIST_PATH) return json(LIST);
      if (path === '/containers/slot-oom/json') return json({ State: { Status: 'exited', OOMKilled: true, ExitCode: 137 } });
      if (path === '/containers/slot-bad/json') return json({ State: { Status: 'exited', ExitCode: 127, Error: 'exec: "srv": not found' } });
      return json({ message: `unexpected ${path}` }, 500);
    });
    expect(Object.fromEntries(await runtime.containerStates(['slot-run', 'slot-oom', 'slot-bad', 'slot-none']))).toEqual({
      'slot-run': { status: 'running', error: null },
      'slot-oom': { status: 'crashed', error: 'exited with code 137 (out of memory)' },
      'slot-bad': { status: 'crashed', error: 'exited with code 127: exec: "srv": not found' },
      'slot-none': { status: 'absent', error: null },
    });
    // "other" crashed too, but no slot asked about it.
    expect(paths[0]).toBe(LIST_PATH);
    expect(paths.slice(1).sort()).toEqual(['/containers/slot-bad/json', '/containers/slot-oom/json']);
  });

  it('keeps the list’s word when the inspect fails or finds nothing readable', async () => {
    const { runtime } = fakeEngine((path) => {
      if (path === LIST_PATH) return json(LIST);
      if (path === '/containers/slot-oom/json') return json({ message: 'server error' }, 500);
      throw new TypeError('fetch failed');
    });
    expect(Object.fromEntries(await runtime.containerStates(['slot-oom', 'slot-bad']))).toEqual({
      'slot-oom': { status: 'crashed', error: 'exited with code 137' },
      'slot-bad': { status: 'crashed', error: 'exited with code 127' },
    });
  });

  it('rejects, in the engine’s words, when the list is refused or unreadable', async () => {
    const refused = fakeEngine(() => json({ message: 'client version 1.99 is too new' }, 400)).runtime;
    const failure = await refused.containerStates(['slot-run']).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RuntimeFailure);
    expect((failure as RuntimeFailure).message).toBe('unix:///tmp/slotpull-fake-engine.sock answered 400 to a container list: client version 1.99 is too new');
    expect((failure as RuntimeFailure).details).toEqual({ http_status: 400 });
    const garbage = fakeEngine(() => new Response('<html>502 Bad Gateway</html>', { status: 200 })).runtime;
    await expect(garbage.containerStates(['slot-run'])).rejects.toThrow(/^the container list from unix:\/\/\/tmp\/slotpull-fake-engine\.sock is not JSON/);
    const notList = fakeEngine(() => json({ Containers: [] })).runtime;
    await expect(notList.containerStates(['slot-run'])).rejects.toThrow(`the engine's container list is not a JSON array: {"Containers":[]}`);
    const down = fakeEngine(() => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    }).runtime;
    await expect(down.containerStates(['slot-run'])).rejects.toThrow(
      'cannot reach the engine at unix:///tmp/slotpull-fake-engine.sock: fetch failed: connect ECONNREFUSED',
    );
  });
});
