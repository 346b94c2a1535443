/**
 * `GET /elements/slotpull.js`: the elements bundle (docs/elements.md), and
 * beside it `GET /elements/translations/<code>.js`, the phrase tables the
 * bundle imports on demand (elements/language.ts). Both are public code,
 * served to any origin (`Access-Control-Allow-Origin: *`, which a
 * cross-origin `<script type="module">` and `import()` need) and revalidated by ETag.
 */
import { Hono, type Context } from 'hono';
import { compress } from 'hono/compress';
import { readBuiltAsset } from '../built-asset.ts';
import { ApiError } from '../errors.ts';

export const ELEMENTS_BUNDLE_PATH = '/elements/slotpull.js';

/** The built-in translations beside the bundle: the modules of elements/translations/ (tests/http/elements-route.test.ts checks they agree). */
export const TRANSLATION_CODES = ['de', 'es', 'fr', 'ja', 'zh'] as const;
const translationPath = (code: string): string => `/elements/translations/${code}.js`;
export const TRANSLATION_PATHS = TRANSLATION_CODES.map(translationPath);

export interface ElementRoutesOptions {
  /**
   * The bundle's bytes, or null when it has not been built. Default: read
   * `dist/elements/slotpull.js` on each request (a rebuild shows at once; the
   * ETag keeps a browser's copy when nothing changed).
   */
  readBundle?: () => Promise<Uint8Array<ArrayBuffer> | null>;
  /** The bytes of a translation (`code` one of TRANSLATION_CODES), or null. Default: read `dist/elements/translations/<code>.js`. */
  readTranslation?: (code: string) => Promise<Uint8Array<ArrayBuffer> | null>;
}

export function elementRoutes(options: ElementRoutesOptions = {}): Hono {
  const readBundle = options.readBundle ?? (() => readBuiltAsset(BUNDLE_CANDIDATES, import.meta.url));
  const readTranslation =
    options.readTranslation ?? ((code: string) => readBuiltAsset([`../../..${translationPath(code)}`, `../../../dist${translationPath(code)}`], import.meta.url));
  const routes = new Hono();
  // Gzip with the web-standard CompressionStream (Node and Deno): 43 kB becomes about 14 kB.
  routes.use(ELEMENTS_BUNDLE_PATH, compress());
  routes.use('/elements/translations/*', compress());
  routes.get(ELEMENTS_BUNDLE_PATH, async (c) => script(c, await readBundle()));
  for (const code of TRANSLATION_CODES) routes.get(translationPath(code), async (c) => script(c, await readTranslation(code)));
  return routes;
}

/** A built script's answer: 200 with its ETag, 304 when the browser has it, 404 saying how to build it. */
async function script(c: Context, bytes: Uint8Array<ArrayBuffer> | null): Promise<Response> {
  if (bytes === null) {
    throw new ApiError(404, 'route.not_found', `${c.req.path} has not been built; run \`npm run build\`.`);
  }
  const etag = await etagOf(bytes);
  const headers = {
    'Content-Type': 'text/javascript; charset=utf-8',
    ETag: etag,
    'Cache-Control': 'no-cache',
    'Access-Control-Allow-Origin': '*',
  };
  if (noneMatch(c.req.header('If-None-Match'), etag)) return c.body(null, 304, headers);
  return c.body(bytes, 200, headers);
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
