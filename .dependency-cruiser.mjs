/**
 * The layering of slotpull (ARCHITECTURE.md), checked by dependency-cruiser:
 * tests/architecture/layers.test.ts cruises the tree with these rules and
 * fails on any violation, so `npm test` fails when an import runs the wrong
 * way. By hand: `npx depcruise server wire elements demo`.
 *
 * Each rule names a layer and, in its comment, why the layer exists. Paths
 * are relative to the repository root.
 */

/** Modules of ours: everything outside node_modules. */
const OURS = '^(server|wire|elements|demo|bin|bench|tests)/';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'core-imports-only-core-and-wire',
      comment:
        'server/core is the pure heart (parse, progress, registry, SSE framing): no I/O, no runtime, ' +
        'no framework, so it runs and is tested the same on Node, Deno and under a fake clock. It sees ' +
        'the outside only through interfaces it declares (ContainerRuntime, Clock) and builds the wire types.',
      severity: 'error',
      from: { path: '^server/core/' },
      to: { pathNot: '^(server/core|wire)/' },
    },
    {
      name: 'wire-imports-nothing',
      comment:
        'wire/ is the one description of the JSON the API sends; the server and the browser elements ' +
        'both build on it, so it depends on neither and on no package (its values reach the browser bundle as they are).',
      severity: 'error',
      from: { path: '^wire/' },
      to: { pathNot: '^wire/' },
    },
    {
      name: 'runtimes-import-only-core-and-wire',
      comment:
        'server/runtimes are the adapters the core is driven through (engine API over a socket, the CLIs, ' +
        'the demo engine, the real clock): they implement core interfaces and know nothing of HTTP, ' +
        'the slots file or how the server is started.',
      severity: 'error',
      from: { path: '^server/runtimes/' },
      to: { path: OURS, pathNot: '^(server/runtimes|server/core|wire)/' },
    },
    {
      name: 'state-imports-only-core-and-wire',
      comment:
        'server/state keeps what must outlive the process in the state directory (the journal files behind ' +
        'the core\'s pull history, the directory\'s lock, which directory): it implements core interfaces on ' +
        'node:fs and knows nothing of HTTP, the slots file or how the server is started.',
      severity: 'error',
      from: { path: '^server/state/' },
      to: { path: OURS, pathNot: '^(server/state|server/core|wire)/' },
    },
    {
      name: 'config-imports-only-core',
      comment:
        'server/config reads and validates the slots file into the core\'s Slot types; it must not ' +
        'reach into adapters or HTTP, so a config error is the same whatever runs the server.',
      severity: 'error',
      from: { path: '^server/config/' },
      to: { path: OURS, pathNot: '^(server/config|server/core)/' },
    },
    {
      name: 'http-imports-only-core-config-and-wire',
      comment:
        'server/http is the web-standard Hono app: routes over the core, described by the wire. It takes ' +
        'its runtime as an argument and never picks or starts one, so the same app runs on Node, Deno and in tests.',
      severity: 'error',
      from: { path: '^server/http/' },
      to: { path: OURS, pathNot: '^(server/http|server/core|server/config|wire)/' },
    },
    {
      name: 'server-is-layered',
      comment:
        'Every server module lives in one of the layers above, so each falls under a rule; a file at ' +
        'server/ itself would sit outside all of them.',
      severity: 'error',
      from: {},
      to: { path: '^server/[^/]+$' },
    },
    {
      name: 'browser-code-never-imports-server',
      comment:
        'elements/ ship to other people\'s pages in one small bundle and demo/ is such a page: they speak to ' +
        'the server over HTTP only and share nothing with it but the wire (wire/, whose types are erased and whose values are plain data).',
      severity: 'error',
      from: { path: '^(elements|demo)/' },
      to: { path: '^server/' },
    },
    {
      name: 'no-node-builtins-in-core-or-wire',
      comment:
        'node:* exists on Node only; the core and the wire run on Deno and in browsers too (web standards only).',
      severity: 'error',
      from: { path: '^(server/core|wire)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'no-unresolvable-imports',
      comment:
        'An import the cruiser cannot resolve escapes every rule above. The one exception is the package\'s own ' +
        'name: demo/embed/ imports `slotpull/elements` as an app would (its tsconfig paths point tsc and esbuild at the sources).',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^slotpull/elements$' },
    },
    {
      name: 'no-circular-imports',
      comment: 'A cycle makes two modules one idea in two files, and its load order a matter of luck.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports count too: a layer that needs another's types depends on it.
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve packages through their `exports` (hono/compress, svelte/internal/client), as Node and esbuild do.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'browser', 'default'] },
  },
};
