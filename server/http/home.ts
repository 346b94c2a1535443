/** A plain page at `/` listing the slots, until the demo dashboard arrives. */
import type { Slot } from '../config/schema.ts';

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

export function homePage(slots: Iterable<Slot>, runtime: string): string {
  const rows = [...slots]
    .map((slot) => {
      const what = slot.provider === 'container' ? slot.image.raw : `external${slot.url === null ? '' : ` at ${slot.url}`}`;
      const links =
        slot.provider === 'container'
          ? ` — <a href="/api/slots/${slot.name}/pull/status">status</a>, <a href="/api/slots/${slot.name}/pull/stream">stream</a>`
          : '';
      return `<li><strong>${escapeHtml(slot.name)}</strong>: ${escapeHtml(what)}${links}</li>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>slotpull</title></head>
<body><h1>slotpull</h1>
<p>Runtime: <strong>${escapeHtml(runtime)}</strong>. JSON: <a href="/api/slots">/api/slots</a>, <a href="/api/health">/api/health</a>; all slots live: <a href="/api/events">/api/events</a>.</p>
<ul>
${rows}
</ul>
<p>Start a pull: <code>curl -X POST http://HOST:PORT/api/slots/NAME/pull</code>; follow it: <code>curl -N 'http://HOST:PORT/api/slots/NAME/pull/stream?until=done'</code>.</p>
</body></html>
`;
}
