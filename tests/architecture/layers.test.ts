/**
 * The layering of ARCHITECTURE.md holds: dependency-cruiser cruises the tree
 * with the rules of .dependency-cruiser.mjs, and every violation is listed
 * (rule, importer → imported). A small fixture tree with wrong-way imports
 * shows that the same rules do report them.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSCONFIG = join(ROOT, 'tsconfig.json');
/** The folders the rules speak of; tests, bench and build scripts are free to import anything. */
const LAYERED = ['server', 'wire', 'elements', 'demo'];
/** A cruise of the whole tree parses every file with TypeScript: seconds, more on a busy machine. */
const CRUISE_TIMEOUT_MS = 60_000;

interface Cruise {
  /** Every module seen, by path from `baseDir`. */
  modules: string[];
  /** Every violation of the project's rules, as `rule: from → to`. */
  violations: string[];
}

async function cruiseTree(baseDir: string, roots: readonly string[]): Promise<Cruise> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.mjs'));
  const { output } = await cruise([...roots], { ...options, baseDir, tsConfig: { fileName: TSCONFIG } }, {}, { tsConfig: extractTSConfig(TSCONFIG) });
  const result = output as ICruiseResult;
  return {
    modules: result.modules.map((module) => module.source),
    violations: result.summary.violations.map((violation) => {
      const cycle = violation.cycle === undefined ? '' : ` (cycle: ${violation.cycle.map((step) => step.name).join(' → ')})`;
      return `${violation.rule.name}: ${violation.from} → ${violation.to}${cycle}`;
    }),
  };
}

describe('layers', () => {
  it('no import in server/, wire/, elements/ or demo/ crosses a layer the wrong way', { timeout: CRUISE_TIMEOUT_MS }, async () => {
    const { modules, violations } = await cruiseTree(ROOT, LAYERED);
    expect(violations).toEqual([]);
    // The cruise did read the tree (a wrong root or base would find nothing and report nothing).
    expect(modules).toEqual(expect.arrayContaining(['server/core/types.ts', 'server/http/app.ts', 'wire/types.ts', 'elements/index.ts', 'demo/dashboard.ts']));
  });

  describe('a fixture tree with wrong-way imports', () => {
    let fixture: string;
    const files: Record<string, string> = {
      'server/core/parse.ts': "import { app } from '../http/app.ts';\nimport { readFile } from 'node:fs/promises';\nexport const parse = [app, readFile];\n",
      'server/http/app.ts': "import { start } from '../entry/start.ts';\nexport const app = start;\n",
      'server/entry/start.ts': "import { app } from '../http/app.ts';\nexport const start = () => app;\n",
      'server/runtimes/cli.ts': "import type { Options } from '../config/load.ts';\nexport type Cli = Options;\n",
      'server/config/load.ts': 'export interface Options { file: string }\n',
      'wire/types.ts': "import type { Options } from '../server/config/load.ts';\nexport type Wire = Options;\n",
      'elements/bar.ts': "import { parse } from '../server/core/parse.ts';\nimport type { Wire } from '../wire/types.ts';\nexport const bar: [unknown, Wire?] = [parse];\n",
    };

    beforeAll(async () => {
      fixture = await mkdtemp(join(tmpdir(), 'slotpull-layers-'));
      for (const [path, text] of Object.entries(files)) {
        await mkdir(dirname(join(fixture, path)), { recursive: true });
        await writeFile(join(fixture, path), text);
      }
    });
    afterAll(() => rm(fixture, { recursive: true, force: true }));

    it('is reported import by import, each under the rule it breaks', { timeout: CRUISE_TIMEOUT_MS }, async () => {
      const { violations } = await cruiseTree(fixture, ['server', 'wire', 'elements']);
      expect(violations.sort()).toEqual([
        'browser-code-never-imports-server: elements/bar.ts → server/core/parse.ts',
        'core-imports-only-core-and-wire: server/core/parse.ts → fs/promises',
        'core-imports-only-core-and-wire: server/core/parse.ts → server/http/app.ts',
        'http-imports-only-core-config-and-wire: server/http/app.ts → server/entry/start.ts',
        'no-circular-imports: server/entry/start.ts → server/http/app.ts (cycle: server/http/app.ts → server/entry/start.ts)',
        'no-node-builtins-in-core-or-wire: server/core/parse.ts → fs/promises',
        'runtimes-import-only-core-and-wire: server/runtimes/cli.ts → server/config/load.ts',
        'wire-imports-nothing: wire/types.ts → server/config/load.ts',
      ]);
    });
  });
});
