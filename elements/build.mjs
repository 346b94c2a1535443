// Bundles the elements into dist/elements/slotpull.js: one minified ES module
// with Lit inside, for <script type="module" src=".../elements/slotpull.js">.
// `npm run build` runs it after tsc has written the unbundled modules and
// .d.ts files (dist/elements/*.js) that package.json exports as ./elements.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/elements/slotpull.js`;

/**
 * esbuild leaves the text of Lit's tagged templates alone; this squeezes the
 * indentation out of them. css``: all runs of whitespace (the *.styles.ts
 * files hold no comments, and no string in which spaces matter beyond one).
 * html``: each line break with its indentation becomes one space, and none is
 * left between two tags — HTML collapses such whitespace anyway (no <pre> here).
 */
const squeezeTemplates = {
  name: 'squeeze-templates',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]elements[\\/].*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = source
        .replace(/css`([^`]*)`/g, (_, text) => {
          const squeezed = text
            .replace(/\s+/g, ' ')
            .replace(/\s*([{};,>])\s*/g, '$1')
            .replace(/:\s+/g, ':')
            .replace(/;}/g, '}')
            .trim();
          return `css\`${squeezed}\``;
        })
        .replace(/html`([^`]*)`/g, (_, text) => `html\`${text.replace(/\s*\n\s*/g, ' ').replace(/>\s+</g, '><')}\``);
      return { contents, loader: 'ts' };
    });
  },
};

const result = await build({
  entryPoints: [`${root}elements/index.ts`],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  // Lit's notices, once (its BSD-3-Clause asks for them), instead of one per module.
  legalComments: 'none',
  banner: { js: '/*! slotpull elements (MIT). Includes Lit and @lit/task: Copyright Google LLC, BSD-3-Clause. */' },
  metafile: true,
  plugins: [squeezeTemplates],
  write: true,
  logLevel: 'warning',
});

// The bundle's types are the unbundled modules' types.
await writeFile(`${root}dist/elements/slotpull.d.ts`, "export * from './index.js';\n");

const bytes = result.metafile.outputs['dist/elements/slotpull.js']?.bytes ?? 0;
const gzipped = gzipSync(await readFile(outfile), { level: 9 }).length;
console.log(`elements: dist/elements/slotpull.js ${(bytes / 1024).toFixed(1)} kB minified, ${(gzipped / 1024).toFixed(1)} kB gzipped`);
