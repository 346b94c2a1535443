/** The dashboard page at `/`: its <noscript> list, and what it says with no slot (issue 14). */
import { afterEach, describe, expect, it } from 'vitest';
import { NO_SLOTS } from '../../server/http/home.ts';
import { makeApp, type TestApp } from '../helpers/app.ts';
import { ScriptedRuntime } from '../helpers/scripted-runtime.ts';

describe('GET /', () => {
  let app: TestApp;
  afterEach(() => app.close());

  it('lists the slots for a browser without JavaScript, escaped', async () => {
    app = makeApp(new ScriptedRuntime(), {}, { slots: [{ name: 'chat', provider: 'external', url: 'http://127.0.0.1:8082/?a=<b>' }] });
    const page = await (await app.request('/')).text();
    expect(page).toContain('<li><strong>chat</strong>: external at http://127.0.0.1:8082/?a=&#60;b&#62;</li>');
  });

  it('says what to do when the slots file names no slot, and the API and streams still answer', async () => {
    app = makeApp(new ScriptedRuntime(), {}, { slots: [] });
    const response = await app.request('/');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain(`<p>${NO_SLOTS}</p>`);
    expect(page).not.toContain('<ul>');
    expect(await (await app.request('/api/slots')).json()).toEqual([]);
    const stream = await app.request('/api/events');
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });
});
