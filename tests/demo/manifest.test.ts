// custom-elements.json and docs/elements.md are generated (`npm run manifest`)
// from the elements' JSDoc; this fails when either is stale, so CI catches
// an element change that forgot to regenerate them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const ANALYZE_TIMEOUT_MS = 60_000;
const STALE = 'is stale: run `npm run manifest` and commit the result';

describe('the custom-elements manifest and docs/elements.md', () => {
  let outdir = '';
  afterAll(() => (outdir === '' ? undefined : rm(outdir, { recursive: true, force: true })));

  it(
    'match what `npm run manifest` generates from the elements now',
    async () => {
      outdir = await mkdtemp(join(tmpdir(), 'slotpull-cem-'));
      // The analyzer joins --outdir to the working directory, so it gets the temp dir relative to the root.
      await run(join(root, 'node_modules/.bin/cem'), ['analyze', '--outdir', relative(root, outdir)], { cwd: root });
      await run(process.execPath, [join(root, 'demo/elements-doc.mjs'), join(outdir, 'custom-elements.json'), join(outdir, 'elements.md')], { cwd: root });
      const committed = JSON.parse(await readFile(join(root, 'custom-elements.json'), 'utf8'));
      const fresh = JSON.parse(await readFile(join(outdir, 'custom-elements.json'), 'utf8'));
      expect(committed, `custom-elements.json ${STALE}`).toEqual(fresh);
      const doc = await readFile(join(root, 'docs/elements.md'), 'utf8');
      expect(doc, `docs/elements.md ${STALE}`).toBe(await readFile(join(outdir, 'elements.md'), 'utf8'));
      const tags = fresh.modules.flatMap((m: { declarations?: { tagName?: string }[] }) => (m.declarations ?? []).map((d) => d.tagName)).filter(Boolean);
      expect(tags.sort()).toEqual(['slot-error-banner', 'slot-image-panel', 'slot-image-pull-bar', 'slot-image-status']);
      const pictures = [...doc.matchAll(/\]\((elements\/[^)]+\.png)\)/g)].map((match) => match[1] ?? '');
      expect(pictures.length).toBeGreaterThan(0);
      const missing = [];
      for (const picture of pictures) if (!(await stat(join(root, 'docs', picture)).catch(() => undefined))) missing.push(picture);
      expect(missing, 'docs/elements.md links pictures that do not exist').toEqual([]);
    },
    ANALYZE_TIMEOUT_MS,
  );
});
