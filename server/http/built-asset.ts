/**
 * A file that `npm run build` writes under dist/ (the elements and dashboard
 * bundles), read on each request so a rebuild shows at once. node:fs is
 * loaded on first use: it exists on Node and Deno, and the app stays
 * importable where it does not.
 */

/** Bytes of the first candidate that exists (paths relative to `from`), or null when none was built. */
export async function readBuiltAsset(candidates: readonly string[], from: string | URL): Promise<Uint8Array<ArrayBuffer> | null> {
  const { readFile } = await import('node:fs/promises');
  for (const candidate of candidates) {
    try {
      return new Uint8Array(await readFile(new URL(candidate, from)));
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    }
  }
  return null;
}
