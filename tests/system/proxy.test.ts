/**
 * docs/proxy.md end to end (issue 13): Debian's nginx with the page's server
 * block, the page's slotpull command verbatim, the login stand-in and
 * Chromium, all in a private network namespace so that the ports are the
 * page's own (80, 8080, 9000) and `dash.example` resolves to its loopback.
 * The dashboard and slotpull under one origin: log in through the form, the
 * elements load and stream, a pull starts, no request carries the token; log
 * out, and the next request is refused with its cause.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium.mjs';
import { onlyBlock } from './support/doc-blocks.ts';
import { createNetNamespace, type NetNamespace } from './support/netns.ts';

const DOC = 'docs/proxy.md';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NGINX = '/usr/sbin/nginx';
/** What the page puts where a real setup has its own (docs/proxy.md says so). */
const DOC_PAGES_DIR = '/srv/dashboard';
const DOC_TOKEN = 'CHANGE-ME';
const ORIGIN = 'http://dash.example';
const SLOTPULL = `${ORIGIN}/slotpull`;
const STEP_MS = 15_000;

describe('docs/proxy.md: the dashboard and slotpull behind nginx, with a login', () => {
  let ns: NetNamespace;
  let dir: string;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  const authorizations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx (tests/run.sh installs it when run as root)`);
    if (!existsSync(join(ROOT, 'dist/elements/slotpull.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) first');
    dir = await mkdtemp(join(tmpdir(), 'slotpull-proxy-'));
    const pages = join(dir, 'dashboard');
    execFileSync('mkdir', ['-p', pages, join(dir, 'temp')]);
    await writeFile(join(pages, 'index.html'), `<!doctype html><meta charset="utf-8"><title>Dashboard</title>\n${onlyBlock(DOC, 'html').text}\n`);
    const server = onlyBlock(DOC, 'nginx').text;
    expect(server).toContain(DOC_PAGES_DIR);
    await writeFile(join(dir, 'server.conf'), server.replaceAll(DOC_PAGES_DIR, pages));
    // The main config a distribution's nginx.conf would be, small: one process, everything under the temp dir.
    await writeFile(
      join(dir, 'nginx.conf'),
      [
        'daemon off;',
        'master_process off;',
        `pid ${dir}/nginx.pid;`,
        'error_log stderr warn;',
        'events {}',
        'http {',
        '  access_log off;',
        `  client_body_temp_path ${dir}/temp/body; proxy_temp_path ${dir}/temp/proxy; fastcgi_temp_path ${dir}/temp/fastcgi;`,
        `  uwsgi_temp_path ${dir}/temp/uwsgi; scgi_temp_path ${dir}/temp/scgi;`,
        '  types { text/html html; text/javascript js; }',
        `  include ${dir}/server.conf;`,
        '}',
        '',
      ].join('\n'),
    );

    ns = await createNetNamespace();
    const login = ns.start([process.execPath, join(ROOT, 'tests/system/support/login-app.mjs')]);
    // Its state directory (README, "State") under the test's own directory.
    const slotpull = ns.start(['bash', '-c', onlyBlock(DOC, 'sh').text], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', XDG_STATE_HOME: dir } });
    const nginx = ns.start([NGINX, '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', 'stderr']);
    await login.waitFor(/login app listening on 127\.0\.0\.1:9000/, 'the login app');
    await slotpull.waitFor(/listening on http:\/\/127\.0\.0\.1:8080\//, 'slotpull');
    expect(slotpull.output()).toContain('public URL: http://dash.example/slotpull');
    expect(nginx.output()).not.toMatch(/\[emerg\]/);

    // Chromium in the namespace; DevTools over a pipe, which crosses it (a port would not).
    const wrapper = join(dir, 'chromium-in-ns');
    await writeFile(wrapper, `#!/bin/sh\nexec nsenter --net=${ns.path} -- ${CHROMIUM_PATH} "$@"\n`);
    await chmod(wrapper, 0o755);
    browser = await puppeteer.launch({
      executablePath: wrapper,
      pipe: true,
      headless: true,
      args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP dash.example 127.0.0.1'],
    });
    page = await browser.newPage();
    page.on('request', (request) => {
      requested.push(request.url());
      const authorization = request.headers().authorization;
      if (authorization !== undefined) authorizations.push(authorization);
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await ns?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('sends a visitor without a login to the login form', async () => {
    const response = await page.goto(`${ORIGIN}/`);
    expect(page.url()).toBe(`${ORIGIN}/login`);
    expect(response?.status()).toBe(200);
  });

  it('after the login, loads the elements from the same origin, streams, and starts a pull with no token in the page', async () => {
    await page.type('input[name=user]', 'ada');
    await page.type('input[name=password]', 'lovelace');
    await Promise.all([page.waitForNavigation(), page.click('button')]);
    expect(page.url()).toBe(`${ORIGIN}/`);
    await page.waitForFunction(() => document.querySelector('slot-image-pull-bar')?.getAttribute('state') === 'missing', { timeout: STEP_MS });
    expect(await label(page)).toBe('Image not pulled yet');

    const started = await page.evaluate(async () => (await fetch('/slotpull/api/slots/chat/pull', { method: 'POST' })).status);
    expect(started).toBe(202);
    await page.waitForFunction(() => ['determinate', 'indeterminate'].includes(document.querySelector('slot-image-pull-bar')?.getAttribute('state') ?? ''), {
      timeout: STEP_MS,
    });
    expect(await label(page)).toBe('Pulling image ghcr.io/acme/llama-server:vulkan…');

    expect(requested).toContain(`${SLOTPULL}/elements/slotpull.js`);
    expect(requested).toContain(`${SLOTPULL}/api/events`);
    expect(requested.filter((url) => url.includes(DOC_TOKEN) || url.includes('access_token'))).toEqual([]);
    expect(authorizations, 'the page sends no token: nginx adds it').toEqual([]);
  });

  it('after the logout, refuses the next request with its cause, in the element and in the answer', async () => {
    expect(await page.evaluate(async () => (await fetch('/logout', { method: 'POST' })).status)).toBe(204);
    const answer = await page.evaluate(async () => {
      const response = await fetch('/slotpull/api/slots');
      return { status: response.status, body: await response.json() };
    });
    expect(answer).toEqual({
      status: 401,
      body: { error: { code: 'auth.required', message: 'Your login has expired: log in to the dashboard again.', details: { reason: 'login_required' } } },
    });
    // The pull still runs (the stream was opened with the login); Cancel is refused, and says why.
    await page.evaluate(() => (document.querySelector('slot-image-pull-bar')?.shadowRoot?.querySelector('[part~="cancel-button"]') as HTMLButtonElement).click());
    await page.waitForFunction(() => document.querySelector('slot-image-pull-bar')?.shadowRoot?.querySelector('[part~="request-error"]') !== null, { timeout: STEP_MS });
    expect(await page.evaluate(() => document.querySelector('slot-image-pull-bar')?.shadowRoot?.querySelector('[part~="request-error"]')?.textContent?.trim())).toBe(
      `Could not cancel the pull: The slotpull server at ${SLOTPULL} refused: Your login has expired: log in to the dashboard again.`,
    );
  });
});

function label(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.querySelector('slot-image-pull-bar')?.shadowRoot?.querySelector('[part~="label"]')?.textContent?.trim());
}
