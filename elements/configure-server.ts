/**
 * configureServer(): how the elements on this page authenticate to one
 * slotpull server. Call it once, before or after the elements appear; it
 * applies to every element whose `base-url` names that server, in every copy
 * of the elements on the page.
 *
 *   import { configureServer } from 'slotpull/elements';
 *   configureServer('https://dash.example/slotpull', { getToken: () => session.slotpullToken });
 */
import { resolveBase } from './base-url.ts';
import { slotHub } from './hub/hub.ts';
import { checkServerOptions, setOptionsFor, type ServerOptions } from './hub/server-options.ts';

export type { ServerOptions } from './hub/server-options.ts';

/**
 * Sets how the elements authenticate to one server, for every element of the
 * page whose `base-url` names it (in every copy of the elements on the
 * page). Call it before or after the elements appear: an open connection to
 * that server reopens with the new options. The token goes only into
 * `Authorization: Bearer …` headers; the event stream, which cannot send
 * headers, opens with a 60-second ticket from `POST /api/stream-ticket`, so
 * no URL the page requests carries the token.
 *
 * @param baseUrl - The server, as in `base-url` (resolved against the page, e.g. `/slotpull`).
 * @param options - `{ token }`: the server's `--token`; or `{ getToken }`: a function returning it (or a promise of it), called for each request, for a page that renews it; and `credentials`: `'include'` sends cookies to another origin too (a proxy's login; the server must `--allow-origin` the page), default `'same-origin'`. A bad value throws a TypeError.
 */
export function configureServer(baseUrl: string, options: ServerOptions): void {
  const base = resolveBase(baseUrl);
  if (base === null) throw new TypeError(`configureServer: "${baseUrl}" is not an http(s) URL`);
  setOptionsFor(base, checkServerOptions(options));
  slotHub().restart(base);
}
