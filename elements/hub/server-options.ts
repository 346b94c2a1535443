/**
 * How the elements on a page authenticate to one server, set with
 * configureServer(): a bearer token (or a function that gets one) for every
 * request, and whether requests and the event stream carry cookies. The
 * token goes only into `Authorization` headers; the event stream, which
 * cannot send headers, opens with a short-lived ticket instead.
 */

export interface ServerOptions {
  /** The server's token (`--token`), sent as `Authorization: Bearer …`. */
  readonly token?: string;
  /** Called for each request that needs the token (a page that renews it): its answer is sent instead of `token`. */
  readonly getToken?: () => string | Promise<string>;
  /**
   * Whether requests carry cookies: `'include'` for a dashboard whose proxy
   * logs its users in with a cookie, also on another origin (the event
   * stream then opens `withCredentials`). Default `'same-origin'`.
   */
  readonly credentials?: RequestCredentials;
}

/** The token to send, or null when the page gave none. */
export async function tokenOf(options: ServerOptions | undefined): Promise<string | null> {
  if (options === undefined) return null;
  const token = options.getToken === undefined ? options.token : await options.getToken();
  return typeof token === 'string' && token !== '' ? token : null;
}

/** Whether the page gave a token, so that the event stream needs a ticket. */
export const hasToken = (options: ServerOptions | undefined): boolean => options?.token !== undefined || options?.getToken !== undefined;

/** Checks what a page passed: a mistake throws at once, saying what is expected. */
export function checkServerOptions(options: ServerOptions): ServerOptions {
  const { token, getToken, credentials } = options ?? {};
  const valid =
    typeof options === 'object' &&
    options !== null &&
    (token === undefined || (typeof token === 'string' && token !== '')) &&
    (getToken === undefined || (typeof getToken === 'function' && token === undefined)) &&
    (credentials === undefined || ['omit', 'same-origin', 'include'].includes(credentials));
  if (!valid) {
    throw new TypeError("configureServer(baseUrl, options): options are { token: 'non-empty string' } or { getToken() }, and credentials 'omit', 'same-origin' or 'include'");
  }
  return Object.freeze({ token, getToken, credentials });
}

/**
 * The options of each server, by base URL, for the whole page: on globalThis
 * under a registered Symbol, so that two copies of the elements on one page
 * (a dashboard and a widget) see what either was given.
 */
const OPTIONS_KEY = Symbol.for('slotpull.server-options.v1');

type OptionsGlobal = typeof globalThis & { [OPTIONS_KEY]?: Map<string, ServerOptions> };

function optionsMap(): Map<string, ServerOptions> {
  const global = globalThis as OptionsGlobal;
  return (global[OPTIONS_KEY] ??= new Map());
}

/** What configureServer() gave for `base` (a normal-form base URL), if anything. */
export const optionsFor = (base: string): ServerOptions | undefined => optionsMap().get(base);

export function setOptionsFor(base: string, options: ServerOptions): void {
  optionsMap().set(base, options);
}
