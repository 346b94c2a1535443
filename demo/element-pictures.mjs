// Takes docs/elements/*.png: a picture of each state of the three elements,
// for docs/elements.md (demo/elements-doc.mjs links the files that exist).
// Starts the real server (`npm run build` first) —
// `node bin/slotpull.js --port 0 --demo-seed 7 --runtime demo --state-dir DIR`,
// DIR a fresh state directory whose history says rerank was pulled three
// days ago, for `show-last-pull` — and drives
// real pulls on the demo runtime (chat: a large image; vision: fails part-way;
// rerank: present, its container crashed), rendering a small page per state
// in headless Debian Chromium (CHROMIUM_PATH, default /usr/bin/chromium;
// nothing is downloaded) and waiting for the elements' reflected attributes.
// The server and the browser are stopped by PID at the end, whatever happens.
//   node demo/element-pictures.mjs [outdir]
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { openJobStore } from '../dist/server/state/job-store.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = process.argv[2] ?? join(root, 'docs/elements');
const SEED = '7';
const STATE_TIMEOUT_MS = Number(process.env.STATE_TIMEOUT_MS ?? 120_000);
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const kill = (pid) => {
  if (pid === undefined) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
};

const DAY_MS = 24 * 60 * 60 * 1000;

/** A state directory whose history holds one completed pull of rerank's image: 4 min 12 s, three days ago. */
async function seededStateDir() {
  const dir = await mkdtemp(join(tmpdir(), 'slotpull-pictures-state-'));
  const store = openJobStore({ dir });
  const finishedAt = Date.now() - 3 * DAY_MS - 60_000;
  const pull = { id: 'p_pictures_rerank', image: 'ghcr.io/acme/rerank-server:1.2', runtime: 'demo', slots: ['rerank'], started_at: finishedAt - 252_000 };
  store.history.start(pull);
  store.history.finish({ id: pull.id, state: 'completed', error_code: null, error: null, finished_at: finishedAt, bytes_done: 2_100_000_000, bytes_total: 2_100_000_000 });
  await store.close();
  return dir;
}

/** Starts `bin/slotpull.js` on `stateDir` and resolves with its process and base URL once it listens. */
function startServer(stateDir) {
  const child = spawn(process.execPath, [join(root, 'bin/slotpull.js'), '--port', '0', '--demo-seed', SEED, '--runtime', 'demo', '--state-dir', stateDir], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk) => {
      log += chunk;
      const match = /listening on (http:\/\/[^\s/]+)/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: match[1] });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => reject(new Error(`slotpull did not start:\n${log}`)), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`slotpull exited (${code}) before listening:\n${log}`));
    });
  });
}

let server;
let browser;
let userDataDir;
let stateDir;
let browserPid;
try {
  await mkdir(outdir, { recursive: true });
  stateDir = await seededStateDir();
  server = await startServer(stateDir);
  const { base } = server;
  console.log(`server: ${base} (pid ${server.child.pid})`);
  userDataDir = await mkdtemp(join(tmpdir(), 'slotpull-pictures-'));
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`],
  });
  browserPid = browser.process()?.pid;

  const api = async (method, path) => {
    const response = await fetch(`${base}/api${path}`, { method });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const pullStatus = (slot) => api('GET', `/slots/${slot}/pull/status`);
  const until = async (what, check) => {
    const deadline = Date.now() + STATE_TIMEOUT_MS;
    for (;;) {
      if (await check()) return;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  /**
   * A small page (same origin as the server, so no CORS) holding one element
   * in a padded frame; resolves with the page.
   */
  const open = async (element) => {
    const page = await browser.newPage();
    await page.emulateMediaFeatures([
      { name: 'prefers-reduced-motion', value: 'reduce' },
      { name: 'prefers-color-scheme', value: 'light' },
    ]);
    await page.setViewport({ width: 560, height: 240 });
    // The figure page is answered by the browser itself at a path on the server's origin
    // (same origin: no CORS); every other request goes to the real server.
    const figure = `${base}/__element-picture`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>slotpull element</title>
      <style>body{margin:0;background:#fff;font-family:system-ui,sans-serif}#shot{width:480px;padding:16px;display:inline-block}</style>
      <script type="module" src="${base}/elements/slotpull.js"></script></head>
      <body><div id="shot">${element}</div></body></html>`;
    await page.setRequestInterception(true);
    page.on('request', (request) =>
      request.url() === figure ? request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html }) : request.continue(),
    );
    await page.goto(figure, { waitUntil: 'load' });
    return page;
  };
  /** Waits until the figure's element has `attribute` = `value`. */
  const waitFor = (page, selector, attribute, value) =>
    page.waitForSelector(`#shot ${selector}[${attribute}="${value}"]`, { timeout: STATE_TIMEOUT_MS });
  const snap = async (page, file) => {
    await sleep(250); // the element's last render reaches the screen
    const frame = await page.$('#shot');
    await frame.screenshot({ path: join(outdir, file) });
    console.log(`picture: ${join(outdir, file)}`);
  };
  /** Opens a page, waits for the state, takes its picture, closes it. */
  const shoot = async (file, element, selector, attribute, value) => {
    const page = await open(element);
    try {
      await waitFor(page, selector, attribute, value);
      await snap(page, file);
    } finally {
      await page.close();
    }
  };
  const bar = (slot, extra = '') => `<slot-image-pull-bar slot-name="${slot}" ${extra}></slot-image-pull-bar>`;
  const banner = (slot) => `<slot-error-banner slot-name="${slot}"></slot-error-banner>`;
  const status = (slot, extra = '') => `<slot-image-status slot-name="${slot}" ${extra}></slot-image-status>`;
  const BAR = 'slot-image-pull-bar';
  const BANNER = 'slot-error-banner';
  const STATUS = 'slot-image-status';

  // Before any pull: chat's image is missing, rerank's is present and its container crashed.
  await shoot('pull-bar-idle.png', bar('chat', 'show-idle'), BAR, 'state', 'idle');
  await shoot('banner-missing.png', banner('chat'), BANNER, 'state', 'missing');
  await shoot('status-missing.png', status('chat'), STATUS, 'status', 'missing');
  await shoot('banner-crashed.png', banner('rerank'), BANNER, 'state', 'crashed');
  await shoot('status-present.png', status('rerank'), STATUS, 'status', 'present');
  const lastPull = await open(status('rerank', 'show-last-pull'));
  try {
    await lastPull.waitForFunction(
      (tag) => document.querySelector(`#shot ${tag}`)?.shadowRoot?.querySelector('[part="last-pull"]') != null,
      { timeout: STATE_TIMEOUT_MS },
      STATUS,
    );
    await snap(lastPull, 'status-present-show-last-pull.png');
  } finally {
    await lastPull.close();
  }

  // chat: a page watching before the pull starts catches "resolving" (no percent yet).
  const chatStart = await open(bar('chat', 'cancelable'));
  try {
    await waitFor(chatStart, BAR, 'state', 'idle');
    await api('POST', '/slots/chat/pull');
    await waitFor(chatStart, BAR, 'state', 'indeterminate');
    await snap(chatStart, 'pull-bar-indeterminate.png');
  } finally {
    await chatStart.close();
  }
  // Kept open until chat completes: `sticky` keeps "Image ready".
  const chatEnd = await open(bar('chat', 'sticky'));
  try {
    await until('chat past 20%', async () => ((await pullStatus('chat')).percent ?? 0) >= 20);
    await shoot('pull-bar-determinate.png', bar('chat', 'cancelable'), BAR, 'state', 'determinate');
    await shoot('status-pulling.png', status('chat'), STATUS, 'status', 'pulling');

    // Reconnecting: the page goes offline mid-pull, its event stream drops and the browser retries.
    const dropped = await open(bar('chat', 'cancelable'));
    try {
      await waitFor(dropped, BAR, 'state', 'determinate');
      await dropped.setOfflineMode(true);
      // Best effort: Chromium may keep an open event stream through offline mode, so no picture then.
      const reconnecting = await dropped
        .waitForSelector(`#shot ${BAR}[state="reconnecting"]`, { timeout: 5_000 })
        .then(() => true, () => false);
      if (reconnecting) await snap(dropped, 'pull-bar-reconnecting.png');
      else console.log('reconnecting: not reached (the event stream survived offline mode); no picture');
      await dropped.setOfflineMode(false);
    } finally {
      await dropped.close();
    }

    // vision: cancelled with the bar's own Cancel button, then pulled again until it fails.
    const visionCancel = await open(bar('vision', 'cancelable'));
    try {
      await waitFor(visionCancel, BAR, 'state', 'idle');
      await api('POST', '/slots/vision/pull');
      await waitFor(visionCancel, BAR, 'state', 'determinate');
      await visionCancel.evaluate((tag) => document.querySelector(`#shot ${tag}`).shadowRoot.querySelector('[part~="cancel-button"]').click(), BAR);
      await waitFor(visionCancel, BAR, 'state', 'cancelled');
      await snap(visionCancel, 'pull-bar-cancelled.png');
    } finally {
      await visionCancel.close();
    }
    await until('vision cancelled', async () => (await pullStatus('vision')).state === 'cancelled');
    await shoot('status-cancelled.png', status('vision'), STATUS, 'status', 'cancelled');
    await api('POST', '/slots/vision/pull');
    await until('vision failed', async () => (await pullStatus('vision')).state === 'failed');
    await shoot('pull-bar-failed.png', bar('vision'), BAR, 'state', 'failed');
    await shoot('banner-failed.png', banner('vision'), BANNER, 'state', 'failed');
    await shoot('status-failed.png', status('vision'), STATUS, 'status', 'failed');

    await waitFor(chatEnd, BAR, 'state', 'completed');
    await snap(chatEnd, 'pull-bar-completed.png');
  } finally {
    await chatEnd.close();
  }
} finally {
  // Whatever happened: the browser and the server, by PID.
  await browser?.close().catch(() => {});
  kill(browserPid);
  if (server !== undefined) {
    kill(server.child.pid);
    await new Promise((resolve) => (server.child.exitCode !== null ? resolve() : server.child.once('exit', resolve)));
  }
  if (userDataDir !== undefined) await rm(userDataDir, { recursive: true, force: true });
  if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
}
