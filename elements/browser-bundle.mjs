// What every browser bundle of this repository is built with (the elements,
// the demo dashboard, the embedding examples): one minified ES module per
// entry, for the browsers Lit supports. Each build adds its entry, output and
// the notice banner it owes: legal comments are dropped so that Lit's notice
// is said once in the banner, instead of once per module.
export const browserBundle = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
};
