// Bundles the elements into dist/elements/slotpull.js: one minified ES module
// with Lit inside, for <script type="module" src=".../elements/slotpull.js">.
// `npm run build` runs it after tsc has written the unbundled modules and
// .d.ts files (dist/elements/*.js) that package.json exports as ./elements.
import { build } from 'esbuild';
import { readFile, writeFile } from 'node:fs/promises';
import { minify } from 'terser';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { browserBundle } from './browser-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = `${root}dist/elements/slotpull.js`;

/** The index just past the template literal whose opening backtick is at `start`. */
function templateEnd(source, start) {
  let i = start + 1;
  while (i < source.length) {
    if (source[i] === '\\') i += 2;
    else if (source[i] === '`') return i + 1;
    else if (source.startsWith('${', i)) i = expressionEnd(source, i + 2);
    else i += 1;
  }
  throw new Error('an unterminated template literal');
}

/** The index just past the `}` that closes the `${` expression starting at `i` (nested templates, strings and braces skipped). */
function expressionEnd(source, i) {
  let depth = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '`') i = templateEnd(source, i);
    else if (c === "'" || c === '"') {
      i += 1;
      while (source[i] !== c) i += source[i] === '\\' ? 2 : 1;
      i += 1;
    } else if (c === '}' && depth === 0) return i + 1;
    else {
      if (c === '{') depth += 1;
      if (c === '}') depth -= 1;
      i += 1;
    }
  }
  throw new Error('an unterminated template expression');
}

/** Applies `squeeze` to the whole text (nested templates and expressions included) of each `tag`…`` in `source`. */
function replaceTemplates(source, tag, squeeze) {
  let out = '';
  let at = 0;
  for (let start = source.indexOf(`${tag}\``); start !== -1; start = source.indexOf(`${tag}\``, at)) {
    const open = start + tag.length;
    const end = templateEnd(source, open);
    out += source.slice(at, open) + `\`${squeeze(source.slice(open + 1, end - 1))}\``;
    at = end;
  }
  return out + source.slice(at);
}

/**
 * esbuild leaves the text of Lit's tagged templates alone; this squeezes the
 * indentation out of them. css``: comments, and all runs of whitespace (the
 * *.styles.ts files hold no string in which spaces matter beyond one, nor a
 * `/*` that does not open a comment).
 * html`` (with the templates and expressions nested in it): each line break
 * with its indentation becomes one space, and none is left between two tags,
 * between a tag and an expression, or before the `>` that ends a tag written
 * over several lines — HTML collapses such whitespace anyway (no <pre> here,
 * and the elements lay out their parts as grid and flex items).
 */
const squeezeCss = (text) =>
  text
    .replace(/\/\*[^]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .trim();
const squeezeHtml = (text) =>
  text
    .replace(/\s*\n\s*>/g, '>')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/>\s+(<|\$\{)/g, '>$1')
    .replace(/\}\s+</g, '}<');

const squeezeTemplates = {
  name: 'squeeze-templates',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /[\\/]elements[\\/].*\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const contents = replaceTemplates(replaceTemplates(source, 'css', squeezeCss), 'html', squeezeHtml);
      return { contents, loader: 'ts' };
    });
  },
};

const result = await build({
  entryPoints: [`${root}elements/index.ts`],
  outfile,
  ...browserBundle,
  banner: { js: '/*! slotpull (MIT); Lit, @lit/task: Copyright Google LLC, BSD-3-Clause */' },
  // Members named with a trailing underscore (SlotElement's protected API for the three elements)
  // are internal to this bundle: short names for them. Nothing public, on the wire or shared with
  // another copy of the bundle (the hub) is named so; Lit's cross-package names (`_$…`) are kept.
  mangleProps: /[^_]_$/,
  reserveProps: /^_\$/,
  plugins: [squeezeTemplates],
  write: false,
});

// A second pass with terser: its compressor folds what esbuild's leaves
// (conditionals, sequences, dead assignments), some 2 % of the gzipped
// bundle. Only simple functions are inlined (`inline: 1`): pasting larger
// bodies at their call sites makes the text less repetitive, and the
// gzipped bundle 25 bytes larger. The banner is the one comment kept.
const esbuilt = result.outputFiles[0]?.text ?? '';
const { code } = await minify(esbuilt, {
  module: true,
  ecma: 2022,
  compress: { passes: 2, inline: 1 },
  format: { comments: /^!/ },
});
await writeFile(outfile, code);

// The bundle's types are the unbundled modules' types.
await writeFile(`${root}dist/elements/slotpull.d.ts`, "export * from './index.js';\n");

const written = await readFile(outfile);
const bytes = written.length;
const gzipped = gzipSync(written, { level: 9 }).length;
console.log(`elements: dist/elements/slotpull.js ${(bytes / 1024).toFixed(1)} kB minified, ${(gzipped / 1024).toFixed(1)} kB gzipped`);
