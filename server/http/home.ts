/**
 * The demo dashboard at `/` (demo/, issue 5): a small HTML page that loads
 * `demo/dashboard.js` — the dashboard bundle with the elements inside — by a
 * relative URL, so the page works under a path prefix too (behind a proxy,
 * or a test's world). The slots are listed in `<noscript>` for a browser
 * without JavaScript.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import type { Slot } from '../core/slot.ts';
import { readBuiltAsset } from './built-asset.ts';
import { ApiError } from './errors.ts';

export const DASHBOARD_BUNDLE_PATH = '/demo/dashboard.js';

/** What the page says when the slots file names no slot (the dashboard says the same). */
export const NO_SLOTS = 'The slots file names no slot: add slots to it (README, “Configuration”) and restart slotpull.';

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function homePage(slots: Iterable<Slot>, runtime: string): string {
  const listed = [...slots];
  const rows = listed
    .map((slot) => {
      const what = slot.provider === 'container' ? slot.image.raw : `external${slot.url === null ? '' : ` at ${slot.url}`}`;
      return `<li><strong>${escapeHtml(slot.name)}</strong>: ${escapeHtml(what)}</li>`;
    })
    .join('\n');
  const list = listed.length === 0 ? `<p>${escapeHtml(NO_SLOTS)}</p>` : `<ul>\n${rows}\n</ul>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<title>slotpull</title>
<style>html,body{margin:0}body{background:#f3f4f6;color:#1f2937;font-family:system-ui,sans-serif}
@media (prefers-color-scheme:dark){body{background:#0b1120;color:#e5e7eb}}</style>
<script type="module" src="${DASHBOARD_BUNDLE_PATH.slice(1)}"></script>
</head>
<body><slotpull-dashboard></slotpull-dashboard>
<noscript><main><h1>slotpull</h1><p>Runtime: <strong>${escapeHtml(runtime)}</strong>. The dashboard needs JavaScript; the API is at <a href="api/slots">api/slots</a>.</p>
${list}</main></noscript>
</body></html>
`;
}

/** `GET /demo/dashboard.js`: the built bundle (`npm run build`), read on each request so a rebuild shows at once. */
export function dashboardRoutes(): Hono {
  const routes = new Hono();
  routes.use(DASHBOARD_BUNDLE_PATH, compress());
  routes.get(DASHBOARD_BUNDLE_PATH, async (c) => {
    const bundle = await readBuiltAsset(BUNDLE_CANDIDATES, import.meta.url);
    if (bundle === null) throw new ApiError(404, 'route.not_found', 'The demo dashboard has not been built; run `npm run build`.');
    return c.body(bundle, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
  });
  return routes;
}

/** The compiled server sits in dist/server/http/, the bundle in dist/demo/; from the sources, in dist/ beside them. */
const BUNDLE_CANDIDATES = ['../../demo/dashboard.js', '../../dist/demo/dashboard.js'];
