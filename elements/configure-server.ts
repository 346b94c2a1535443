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
 * Sets how requests to the server at `baseUrl` (as in `base-url`; resolved
 * against the page) authenticate: `token` or `getToken()` is sent as
 * `Authorization: Bearer …` on every request, and the event stream opens with
 * a short-lived ticket, so the token is never in a URL; `credentials:
 * 'include'` sends cookies (a proxy's login) to another origin too. An open
 * connection to that server reopens with the new options.
 */
export function configureServer(baseUrl: string, options: ServerOptions): void {
  const base = resolveBase(baseUrl);
  if (base === null) throw new TypeError(`configureServer: "${baseUrl}" is not an http(s) URL`);
  setOptionsFor(base, checkServerOptions(options));
  slotHub().restart(base);
}
