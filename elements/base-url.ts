/**
 * The server an element talks to: its `base-url` attribute resolved against
 * the page, or the page's own origin. One normal form (no trailing slash, no
 * query) so that every element naming one server shares one connection.
 */

/** The normal form of `baseUrl`, or null when it is not a http(s) URL. */
export function resolveBase(baseUrl: string | null | undefined): string | null {
  const raw = baseUrl === null || baseUrl === undefined || baseUrl.trim() === '' ? location.origin : baseUrl.trim();
  let url: URL;
  try {
    url = new URL(raw, document.baseURI);
  } catch {
    return null; // not a URL at all: the element says so (messages.badBaseUrl)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** `/api/slots/<name>` and below, with the name escaped. */
export const slotUrl = (base: string, slot: string, rest = ''): string =>
  `${base}/api/slots/${encodeURIComponent(slot)}${rest}`;
