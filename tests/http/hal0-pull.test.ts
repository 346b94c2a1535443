/**
 * hal0's own pull tests, ported to slotpull's HTTP API. As in hal0, a FAKE
 * CLI script (tests/helpers/fake-cli.ts) stands in for docker: it exits 0 or
 * 1 for `image inspect`, and prints docker lines and exits 0 or 1 for `pull`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { detectCliRuntime } from '../../server/runtimes/cli.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { DOCKER_PULL_LINES, writeFakeCli, type FakeCli, type FakeCliSpec } from '../helpers/fake-cli.ts';
import { readSse } from '../helpers/sse-client.ts';

const SUCCESS: FakeCliSpec = { inspectExit: 1, pullStdout: DOCKER_PULL_LINES, pullExit: 0 };

describe('hal0 pull tests on the HTTP API (fake CLI)', () => {
  let cli: FakeCli;
  let app: TestApp;
  const http = useTestApp();

  async function start(spec: FakeCliSpec): Promise<TestApp> {
    cli = await writeFakeCli(spec);
    app = http.start({ runtime: await detectCliRuntime(cli.path) });
    return app;
  }

  afterEach(async () => {
    await cli?.remove();
  });

  /** Follows a slot's stream to its first terminal frame. */
  async function finalFrame(name: string): Promise<Record<string, unknown>> {
    const sse = readSse(await app.request(`/api/slots/${name}/pull/stream?until=done`));
    return sse.until((frame) => frame.state !== 'pulling', 10_000);
  }

  it('reports image_status present when inspect exits 0', async () => {
    await start({ ...SUCCESS, inspectExit: 0 });
    const slot = await (await app.request('/api/slots/chat')).json();
    expect(slot).toMatchObject({ name: 'chat', provider: 'container', image_status: 'present', container_status: 'absent', pull: null });
  });

  it('reports image_status missing when inspect exits 1', async () => {
    await start(SUCCESS);
    expect(await (await app.request('/api/slots/chat')).json()).toMatchObject({ image_status: 'missing' });
  });

  it('reports pulling while a job is active, without asking inspect', async () => {
    await start({ ...SUCCESS, pullHeld: true });
    expect((await app.request('/api/slots/chat/pull', { method: 'POST' })).status).toBe(202);
    expect(await (await app.request('/api/slots/chat')).json()).toMatchObject({ image_status: 'pulling', pull: { state: 'pulling' } });
    expect((await cli.calls()).filter((call) => call.startsWith('image inspect'))).toEqual([]);
    await app.request('/api/slots/chat/pull', { method: 'DELETE' });
  });

  it('answers POST with 202, the snapshot and resumed:false; a second POST resumes', async () => {
    await start({ ...SUCCESS, pullHeld: true });
    const first = await app.request('/api/slots/chat/pull', { method: 'POST' });
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({
      slot_name: 'chat',
      state: 'pulling',
      image: '127.0.0.1:5000/feas/multi:1',
      resumed: false,
    });
    const second = await app.request('/api/slots/chat/pull', { method: 'POST' });
    expect(second.status).toBe(202);
    expect(await second.json()).toMatchObject({ slot_name: 'chat', state: 'pulling', resumed: true });
    await cli.release();
    expect((await finalFrame('chat')).state).toBe('completed');
    expect((await cli.calls()).filter((call) => call.startsWith('pull'))).toEqual(['pull 127.0.0.1:5000/feas/multi:1']);
  });

  it('answers 404 for an unknown slot, on POST and on the stream alike', async () => {
    await start(SUCCESS);
    for (const [method, path] of [
      ['POST', '/api/slots/nope/pull'],
      ['GET', '/api/slots/nope/pull/stream'],
    ] as const) {
      const response = await app.request(path, { method });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/json');
      expect(await response.json()).toMatchObject({ error: { code: 'slot.not_found' } });
    }
  });

  it.each([
    [0, 'present'],
    [1, 'missing'],
  ] as const)('sends a first stream frame of %s → %s when no job exists', async (inspectExit, state) => {
    await start({ ...SUCCESS, inspectExit });
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    expect(JSON.parse((await sse.next()).data)).toMatchObject({ slot_name: 'chat', state, job_id: null, percent: null });
    await sse.close();
  });

  it('ends a successful fake pull completed — 50 times, never once failed', async () => {
    await start(SUCCESS);
    const states: unknown[] = [];
    for (let run = 0; run < 50; run++) {
      await app.request('/api/slots/chat/pull', { method: 'POST' });
      states.push((await finalFrame('chat')).state);
    }
    expect(states).toEqual(Array(50).fill('completed'));
  });

  it('ends a failing fake pull failed, carrying the script\'s stderr message', async () => {
    await start({
      ...SUCCESS,
      pullStdout: DOCKER_PULL_LINES.slice(0, 3),
      pullStderr: ['Error response from daemon: manifest for 127.0.0.1:5000/feas/multi:1 not found: manifest unknown: manifest unknown'],
      pullExit: 1,
    });
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    expect(await finalFrame('chat')).toMatchObject({
      state: 'failed',
      error: 'manifest for 127.0.0.1:5000/feas/multi:1 not found: manifest unknown: manifest unknown',
      error_code: 'pull.not_found',
    });
  });

  it('shows layer and total_layers in /pull/status during a job', async () => {
    await start({ ...SUCCESS, pullStdout: DOCKER_PULL_LINES.slice(0, 7), pullHeld: true });
    await app.request('/api/slots/chat/pull', { method: 'POST' });
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    await sse.until((frame) => frame.layer === 1);
    await sse.close();
    expect(await (await app.request('/api/slots/chat/pull/status')).json()).toMatchObject({ state: 'pulling', layer: 1, total_layers: 2 });
    await app.request('/api/slots/chat/pull', { method: 'DELETE' });
  });
});
