/**
 * GET /api/pulls, and an app started again on the history of one that was
 * closed mid-pull: the job goes on by itself with its id, and a stream that
 * reconnects with Last-Event-ID goes on with it.
 */
import { describe, expect, it } from 'vitest';
import { PullHistory } from '../../server/core/history/pull-history.ts';
import { PullHistoryPageSchema } from '../../server/http/schemas.ts';
import { makeApp, useTestApp, type TestApp } from '../helpers/app.ts';
import { dockerLine, ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import { settle } from '../helpers/settle.ts';
import { readSse } from '../helpers/sse-client.ts';

const LAYER = 'd9b9504b1033';

describe('GET /api/pulls', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;
  const http = useTestApp((built) => ({ runtime, app } = built));

  const get = async (path: string, init?: RequestInit) => {
    const response = await app.request(path, init);
    return { status: response.status, body: (await response.json()) as any };
  };

  /** Pulls `big`, then `chat` (which `code` shares); `big` completes, the shared one runs. */
  async function twoPulls(): Promise<void> {
    await app.request('/api/slots/big/pull', { method: 'POST' });
    runtime.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 500, total: 1000 }));
    await settle();
    runtime.pulls[0]!.push(dockerLine('Download complete', LAYER));
    runtime.pulls[0]!.end();
    await settle();
    await settle();
    await app.request('/api/slots/chat/pull', { method: 'POST' });
  }

  it('lists running and finished pulls newest first, with slots, engine, times, bytes and speed', async () => {
    expect(await get('/api/pulls')).toEqual({ status: 200, body: { jobs: [], next_before: null } });
    await twoPulls();
    const { status, body } = await get('/api/pulls');
    expect(status).toBe(200);
    PullHistoryPageSchema.parse(body);
    expect(body.next_before).toBeNull();
    expect(body.jobs).toEqual([
      expect.objectContaining({ job_id: 'p_test2', slots: ['chat', 'code'], state: 'pulling', finished_at: null, server_restarts: 0 }),
      {
        job_id: 'p_test1',
        slots: ['big'],
        image: '127.0.0.1:5000/feas/big:1',
        runtime: 'docker',
        engine: null,
        state: 'completed',
        error_code: null,
        error: null,
        started_at: expect.any(String),
        finished_at: expect.any(String),
        bytes_done: 1000,
        bytes_total: 1000,
        duration_s: expect.any(Number),
        speed_bps: expect.toSatisfy((speed: number | null) => speed === null || speed > 0),
        server_restarts: 0,
      },
    ]);
  });

  it('filters by slot and state, and pages with limit and before', async () => {
    await twoPulls();
    expect((await get('/api/pulls?slot=code')).body.jobs.map((job: any) => job.job_id)).toEqual(['p_test2']);
    expect((await get('/api/pulls?state=completed')).body.jobs.map((job: any) => job.job_id)).toEqual(['p_test1']);
    const first = (await get('/api/pulls?limit=1')).body;
    expect(first).toMatchObject({ jobs: [{ job_id: 'p_test2' }], next_before: 'p_test2' });
    expect((await get(`/api/pulls?limit=1&before=${first.next_before}`)).body).toMatchObject({ jobs: [{ job_id: 'p_test1' }], next_before: null });
    // A slot that is not (or no longer) in the slots file simply has no pulls.
    expect((await get('/api/pulls?slot=gone')).body).toEqual({ jobs: [], next_before: null });
  });

  it.each([
    ['limit=0', 'limit', 'limit must be a whole number from 1 to 500; got 0.'],
    ['limit=ten', 'limit', 'limit="ten" is not a whole number of pulls.'],
    ['before=p_nowhere', 'before', 'before: no job "p_nowhere" in the history (it may have expired); start again from the first page.'],
    [`before=${'x'.repeat(200)}`, 'before', `before="${'x'.repeat(64)}…" is not a job id; pass a page's next_before.`],
    ['slot=Not%20A%20Slot', 'slot', 'slot="Not A Slot" is not a slot name; leave it out for every slot.'],
    ['state=done', 'state', 'state="done" is not a job state; use pulling, completed, failed or cancelled, or leave it out.'],
  ])('answers 400 for %s, naming the field', async (query, field, message) => {
    expect(await get(`/api/pulls?${query}`)).toEqual({ status: 400, body: { error: { code: 'validation.invalid', message, details: { field } } } });
  });

  it('is a read like the others: open by default, behind the token with --protect-reads', async () => {
    app = http.start({ options: { access: { token: 's3cret', protectReads: true } } });
    expect((await app.request('/api/pulls')).status).toBe(401);
    expect((await app.request('/api/pulls', { headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });
});

describe('an app started again on the history of one stopped mid-pull', () => {
  it('takes the pull up by itself with its id and percent; a stream reconnecting with Last-Event-ID goes on with it', async () => {
    const history = new PullHistory({ now: Date.now });
    const before = new ScriptedRuntime();
    const first = makeApp(before, { history, frameIntervalMs: 1 });
    await first.request('/api/slots/chat/pull', { method: 'POST' });
    before.pulls[0]!.push(dockerLine('Pulling fs layer', LAYER));
    before.pulls[0]!.push(dockerLine('Downloading', LAYER, { current: 450, total: 1000 }));
    await settle();
    const stream = readSse(await first.request('/api/slots/chat/pull/stream'));
    let message = await stream.next();
    while (JSON.parse(message.data).percent === null) message = await stream.next();
    const seen = JSON.parse(message.data);
    const lastId = Number(message.id);
    await stream.close();
    first.close();
    expect(before.pulls[0]!.signal.aborted).toBe(true);
    expect(history.activeJobs()).toHaveLength(1);

    const after = new ScriptedRuntime();
    const second = makeApp(after, { history, frameIntervalMs: 1 });
    try {
      expect(second.takenUp.map((outcome) => [outcome.kind, outcome.job.id])).toEqual([['resumed', seen.job_id]]);
      expect(after.pulls).toHaveLength(1);
      const again = readSse(await second.request('/api/slots/chat/pull/stream', { headers: { 'Last-Event-ID': String(lastId) } }));
      const resumed = await again.next();
      expect(Number(resumed.id)).toBeGreaterThan(lastId);
      expect(JSON.parse(resumed.data)).toMatchObject({ job_id: seen.job_id, state: 'pulling', percent: seen.percent, server_restarts: 1, started_at: seen.started_at });
      after.pulls[0]!.end();
      const done = await again.until((frame) => frame.state !== 'pulling');
      expect(done).toMatchObject({ job_id: seen.job_id, state: 'completed', percent: 100, server_restarts: 1 });
      await again.close();
      expect((await (await second.request('/api/pulls')).json()).jobs).toEqual([
        expect.objectContaining({ job_id: seen.job_id, slots: ['chat', 'code'], state: 'completed', server_restarts: 1 }),
      ]);
    } finally {
      second.close();
    }
  });
});
