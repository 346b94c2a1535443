/** GET /elements/slotpull.js: public code with an ETag, gzipped when asked. */
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { elementRoutes } from '../../server/http/routes/elements.ts';

const BUNDLE = new TextEncoder().encode(`export const x = ${JSON.stringify('lit '.repeat(2000))};\n`);
const routes = elementRoutes({ readBundle: async () => BUNDLE });
const get = (headers: Record<string, string> = {}) => routes.request('http://127.0.0.1/elements/slotpull.js', { headers });

describe('the elements bundle route', () => {
  it('serves JavaScript to any origin with a strong ETag', async () => {
    const response = await get();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(BUNDLE);
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const etag = (await get()).headers.get('etag') as string;
    const cached = await get({ 'If-None-Match': `W/${etag}, "other"` });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');
  });

  it('gzips for a browser that accepts it', async () => {
    const response = await get({ 'Accept-Encoding': 'gzip, deflate, br' });
    expect(response.headers.get('content-encoding')).toBe('gzip');
    const compressed = Buffer.from(await response.arrayBuffer());
    expect(compressed.length).toBeLessThan(BUNDLE.length / 10);
    expect(new Uint8Array(gunzipSync(compressed))).toEqual(BUNDLE);
  });

  it('says how to build it when it has not been built', async () => {
    const missing = elementRoutes({ readBundle: async () => null });
    missing.onError((error, c) => c.text(error.message, 404));
    const response = await missing.request('http://127.0.0.1/elements/slotpull.js');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npm run build');
  });

  it('serves each built-in translation beside the bundle, to any origin, and nothing else under translations/', async () => {
    const asked: string[] = [];
    const withTranslations = elementRoutes({
      readTranslation: async (code) => {
        asked.push(code);
        return new TextEncoder().encode(`export default { $code: '${code}' };\n`);
      },
    });
    const response = await withTranslations.request('http://127.0.0.1/elements/translations/ja.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(await response.text()).toBe("export default { $code: 'ja' };\n");
    withTranslations.onError((error, c) => c.text(error.message, 500));
    expect((await withTranslations.request('http://127.0.0.1/elements/translations/pt.js')).status).toBe(404);
    expect((await withTranslations.request('http://127.0.0.1/elements/translations/..%2Fslotpull.js')).status).toBe(404);
    expect(asked).toEqual(['ja']);
  });
});
