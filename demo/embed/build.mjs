// Bundles the framework embedding examples into dist/embed/<name>.js, one
// minified ES module each with the framework and the slotpull elements inside
// (`npm run build` runs it last): react.tsx (esbuild's automatic JSX), vue.ts
// (vue's esm-bundler build, which compiles the template in the browser),
// svelte.ts (SlotPanel.svelte compiled by svelte/compiler in the plugin
// below). Every package comes from node_modules — no CDN. The pages beside
// them (react.html, vue.html, svelte.html) load the bundles.
// `slotpull/elements` resolves to elements/index.ts through this folder's
// tsconfig.json "paths" (in an app it is the package).
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'svelte/compiler';
import { browserBundle } from '../../elements/browser-bundle.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const here = `${root}demo/embed/`;

/** Compiles `.svelte` files to JavaScript for the browser (Svelte 5; `lang="ts"` types are stripped by the compiler). */
const sveltePlugin = {
  name: 'svelte',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\.svelte$/ }, async ({ path }) => {
      const source = await readFile(path, 'utf8');
      const filename = relative(root, path);
      try {
        const { js, warnings } = compile(source, { filename, generate: 'client', dev: false, css: 'injected' });
        return {
          contents: js.code,
          loader: 'js',
          resolveDir: dirname(path),
          warnings: warnings.map((w) => ({ text: w.message, location: w.start ? { file: filename, line: w.start.line, column: w.start.column } : null })),
        };
      } catch (error) {
        const at = error.start ? { file: filename, line: error.start.line, column: error.start.column } : null;
        return { errors: [{ text: error.message, location: at }] };
      }
    });
  },
};

const common = {
  ...browserBundle,
  define: { 'process.env.NODE_ENV': '"production"' },
};

const examples = [
  { name: 'react', entry: 'react.tsx', options: { jsx: 'automatic' } },
  {
    name: 'vue',
    entry: 'vue.ts',
    options: {
      // The build with the template compiler (the package's default has none).
      alias: { vue: 'vue/dist/vue.esm-bundler.js' },
      define: {
        ...common.define,
        __VUE_OPTIONS_API__: 'true',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      },
    },
  },
  { name: 'svelte', entry: 'svelte.ts', options: { plugins: [sveltePlugin], conditions: ['svelte', 'browser'] } },
];

const results = await Promise.all(
  examples.map(({ name, entry, options }) =>
    build({
      ...common,
      entryPoints: [`${here}${entry}`],
      outfile: `${root}dist/embed/${name}.js`,
      banner: { js: `/*! slotpull embedding example (${name}): the slotpull elements (MIT) with Lit, @lit/task (BSD-3-Clause) and ${name} (MIT) inside. */` },
      ...options,
    }).then((result) => ({ name, result })),
  ),
);

const sizes = results.map(({ name, result }) => `${name}.js ${((Object.values(result.metafile.outputs)[0]?.bytes ?? 0) / 1024).toFixed(1)} kB`);
console.log(`embed: dist/embed/ ${sizes.join(', ')} minified`);
