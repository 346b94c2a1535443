/**
 * `GET /elements/slotpull.js`: the elements bundle (docs/elements.md). It is public
 * code, served to any origin (`Access-Control-Allow-Origin: *`, which a
 * cross-origin `<script type="module">` needs) and revalidated by ETag.
 */
import { Hono } from 'hono';
import { compress } from 'hono/compress';
import { readBuiltAsset } from '../built-asset.ts';
import { ApiError } from '../errors.ts';

export const ELEMENTS_BUNDLE_PATH = '/elements/slotpull.js';

export interface ElementRoutesOptions {
  /**
   * The bundle's bytes, or null when it has not been built. Default: read
   * `dist/elements/slotpull.js` on each request (a rebuild shows at once; the
   * ETag keeps a browser's copy when nothing changed).
   */
  readBundle?: () => Promise<Uint8Array<ArrayBuffer> | null>;
}

export function elementRoutes(options: ElementRoutesOptions = {}): Hono {
  const readBundle = options.readBundle ?? (() => readBuiltAsset(BUNDLE_CANDIDATES, import.meta.url));
  const routes = new Hono();
  // Gzip with the web-standard CompressionStream (Node and Deno): 43 kB becomes about 14 kB.
  routes.use(ELEMENTS_BUNDLE_PATH, compress());
  routes.get(ELEMENTS_BUNDLE_PATH, async (c) => {
    const bundle = await readBundle();
    if (bundle === null) {
      throw new ApiError(404, 'route.not_found', 'The elements bundle has not been built; run `npm run build`.');
    }
    const etag = await etagOf(bundle);
    const headers = {
      'Content-Type': 'text/javascript; charset=utf-8',
      ETag: etag,
      'Cache-Control': 'no-cache',
      'Access-Control-Allow-Origin': '*',
    };
    if (noneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
    return c.body(bundle, 200, headers);
  });
  return routes;
}

/** A strong ETag from the content: a rebuild that changes nothing keeps it. */
async function etagOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = Array.from(digest.subarray(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `"${hex}"`;
}

/** If-None-Match: `*`, or a list of tags compared weakly (RFC 9110 §13.1.2). */
function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** The compiled server sits in dist/server/…, the bundle in dist/elements/; from the sources, in dist/ beside them. */
const BUNDLE_CANDIDATES = ['../../../elements/slotpull.js', '../../../dist/elements/slotpull.js'];
