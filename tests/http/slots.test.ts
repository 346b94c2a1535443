import { describe, expect, it } from 'vitest';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { dockerLine, type ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import { settle } from '../helpers/settle.ts';

describe('slot and pull routes', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;

  useTestApp((built) => ({ runtime, app } = built));

  const json = async (path: string, init?: RequestInit) => {
    const response = await app.request(path, init);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('reports health with the runtime name', async () => {
    expect(await json('/api/health')).toEqual({ status: 200, body: { ok: true, runtime: 'docker', version: 'test' } });
  });

  it('lists slots as an array; external slots carry no image status', async () => {
    runtime.containers.set('big-box', { status: 'crashed', error: 'exited with code 137 (out of memory)' });
    const { status, body } = await json('/api/slots');
    expect(status).toBe(200);
    expect(body).toEqual([
      {
        name: 'chat', provider: 'container', image: '127.0.0.1:5000/feas/multi:1', image_status: 'missing', container: 'slot-chat',
        container_status: 'absent', container_error: null, port: 8081, model: 'qwen3-8b', labels: { gpu: '0' }, pull: null,
      },
      expect.objectContaining({ name: 'code', image_status: 'missing' }),
      expect.objectContaining({ name: 'big', container_status: 'crashed', container_error: 'exited with code 137 (out of memory)' }),
      { name: 'embed', provider: 'external', url: 'http://127.0.0.1:8082', port: null, model: null, labels: {}, pull: null },
    ]);
    expect(body[3]).not.toHaveProperty('image_status');
  });

  it('inspects each distinct image once per listing', async () => {
    await json('/api/slots');
    expect(runtime.inspectCalls).toBe(2);
  });

  it('says unknown, never missing, when the runtime cannot be asked', async () => {
    runtime.presence.set('127.0.0.1:5000/feas/multi:1', 'error');
    expect((await json('/api/slots/chat')).body).toMatchObject({ image_status: 'unknown' });
    expect((await json('/api/slots/chat/pull/status')).body).toMatchObject({ state: 'unknown', job_id: null });
  });

  it.each([
    ['GET', '/api/slots/Bad%20Name', 400, 'validation.invalid'],
    ['GET', '/api/slots/nope', 404, 'slot.not_found'],
    ['POST', '/api/slots/embed/pull', 400, 'slot.no_image'],
    ['GET', '/api/slots/embed/pull/stream', 400, 'slot.no_image'],
    ['DELETE', '/api/slots/chat/pull', 409, 'pull.not_active'],
    ['GET', '/api/nothing', 404, 'route.not_found'],
    ['GET', '/api/slots/chat/pull/stream?until=never', 400, 'validation.invalid'],
    ['GET', '/api/events?slots=chat,nope', 404, 'slot.not_found'],
    ['GET', '/api/events?slots=,', 400, 'validation.invalid'],
  ])('%s %s → %i %s in the error envelope', async (method, path, status, code) => {
    const answer = await json(path, { method });
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String), details: expect.any(Object) } });
    expect(answer.body.error.message.length).toBeGreaterThan(20);
  });

  it('joins a pull across slots that share an image', async () => {
    const chat = await json('/api/slots/chat/pull', { method: 'POST' });
    const code = await json('/api/slots/code/pull', { method: 'POST' });
    expect(chat.body).toMatchObject({ slot_name: 'chat', resumed: false });
    expect(code.body).toMatchObject({ slot_name: 'code', resumed: true, job_id: chat.body.job_id });
    expect(runtime.pulls).toHaveLength(1);
  });

  it('starts one engine pull for 100 concurrent POSTs', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => json('/api/slots/chat/pull', { method: 'POST' })));
    expect(runtime.pulls).toHaveLength(1);
    expect(answers.filter((a) => a.body.resumed === false)).toHaveLength(1);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([202]));
  });

  it('cancels with DELETE: 200 cancelled, the runtime aborted, status keeps the job', async () => {
    await json('/api/slots/chat/pull', { method: 'POST' });
    runtime.pulls[0]!.push(dockerLine('Downloading', 'aaaaaaaaaaaa', { current: 5, total: 10 }));
    await settle();
    const cancelled = await json('/api/slots/code/pull', { method: 'DELETE' });
    expect(cancelled).toMatchObject({ status: 200, body: { slot_name: 'code', state: 'cancelled' } });
    expect(runtime.pulls[0]!.signal.aborted).toBe(true);
    expect((await json('/api/slots/chat/pull/status')).body).toMatchObject({ state: 'cancelled', bytes_done: 5 });
    expect((await json('/api/slots/chat')).body.pull).toMatchObject({ state: 'cancelled' });
  });

  it('pulls again when the image is present, and ends completed', async () => {
    runtime.presence.set('127.0.0.1:5000/feas/multi:1', 'present');
    expect((await json('/api/slots/chat/pull', { method: 'POST' })).body).toMatchObject({ state: 'pulling', resumed: false });
    runtime.pulls[0]!.push(dockerLine('Status: Image is up to date for 127.0.0.1:5000/feas/multi:1'));
    runtime.pulls[0]!.end();
    await settle();
    await settle();
    expect((await json('/api/slots/chat/pull/status')).body).toMatchObject({ state: 'completed', percent: 100 });
  });

  it('serves a plain page at / listing the slots', async () => {
    const response = await app.request('/');
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    for (const name of ['chat', 'code', 'big', 'embed']) expect(html).toContain(`<strong>${name}</strong>`);
  });
});
