/**
 * /api/openapi.json is valid OpenAPI 3.1 (checked by an independent
 * validator), and every answer the API gives matches the schema it documents.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ErrorSchema, HealthSchema, PullAnswerSchema, PullHistoryPageSchema, PullSnapshotSchema, SlotSchema } from '../../server/http/schemas.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { dockerLine, type ScriptedRuntime } from '../helpers/scripted-runtime.ts';
import { settle } from '../helpers/settle.ts';
import { readSse } from '../helpers/sse-client.ts';

describe('OpenAPI', () => {
  let runtime: ScriptedRuntime;
  let app: TestApp;

  useTestApp((built) => ({ runtime, app } = built));

  it('serves a valid OpenAPI 3.1 document covering every route', async () => {
    const document = await (await app.request('/api/openapi.json')).json();
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths).sort()).toEqual([
      '/api/events',
      '/api/health',
      '/api/openapi.json',
      '/api/pulls',
      '/api/slots',
      '/api/slots/{name}',
      '/api/slots/{name}/pull',
      '/api/slots/{name}/pull/status',
      '/api/slots/{name}/pull/stream',
      '/api/stream-ticket',
    ]);
    expect(Object.keys(document.components.schemas).sort()).toEqual([
      'ContainerSlot', 'Error', 'ExternalSlot', 'Health', 'LayerSnapshot', 'PullAnswer', 'PullHistoryEntry', 'PullHistoryPage', 'PullSnapshot', 'Slot', 'StreamTicket',
    ]);
    expect(document.paths['/api/slots/{name}'].get.parameters[0].schema).toEqual({ type: 'string', pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: 'A slot name from the slots file.', example: 'chat' });
  });

  it('answers in the documented shapes through a whole pull', async () => {
    const get = async (path: string, init?: RequestInit) => (await app.request(path, init)).json();
    HealthSchema.parse(await get('/api/health'));
    for (const slot of await get('/api/slots')) SlotSchema.parse(slot);
    PullSnapshotSchema.parse(await get('/api/slots/chat/pull/status'));
    const sse = readSse(await app.request('/api/slots/chat/pull/stream'));
    PullSnapshotSchema.parse(JSON.parse((await sse.next()).data));

    PullAnswerSchema.parse(await get('/api/slots/chat/pull', { method: 'POST' }));
    runtime.pulls[0]!.push(dockerLine('Pulling from feas/multi', '1'));
    runtime.pulls[0]!.push(dockerLine('Pulling fs layer', 'aaaaaaaaaaaa'));
    runtime.pulls[0]!.push(dockerLine('Downloading', 'aaaaaaaaaaaa', { current: 10, total: 100 }));
    await settle();
    const pulling = PullSnapshotSchema.parse(await sse.until((f) => f.bytes_done === 10));
    expect(pulling.layers).toHaveLength(1);
    SlotSchema.parse(await get('/api/slots/chat'));
    expect(PullHistoryPageSchema.parse(await get('/api/pulls')).jobs.map((job) => job.state)).toEqual(['pulling']);
    PullSnapshotSchema.parse(await get('/api/slots/chat/pull', { method: 'DELETE' }));
    expect(PullHistoryPageSchema.parse(await get('/api/pulls?slot=chat&limit=1')).jobs.map((job) => job.state)).toEqual(['cancelled']);
    await sse.close();

    for (const path of ['/api/slots/nope', '/api/slots/BAD', '/api/nowhere', '/api/pulls?limit=0']) ErrorSchema.parse(await get(path));
  });
});
