// Bundles the demo dashboard into dist/demo/dashboard.js: one minified ES
// module with the slotpull elements, Lit and <slotpull-dashboard> inside,
// served at /demo/dashboard.js by server/http/home.ts. `npm run build` runs
// it after elements/build.mjs.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { browserBundle } from '../elements/browser-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

const result = await build({
  entryPoints: [`${root}demo/dashboard.ts`],
  outfile: `${root}dist/demo/dashboard.js`,
  ...browserBundle,
  banner: { js: '/*! slotpull demo dashboard (MIT). Includes Lit and @lit/task: Copyright Google LLC, BSD-3-Clause. */' },
});

const bytes = result.metafile.outputs['dist/demo/dashboard.js']?.bytes ?? 0;
console.log(`demo: dist/demo/dashboard.js ${(bytes / 1024).toFixed(1)} kB minified`);
