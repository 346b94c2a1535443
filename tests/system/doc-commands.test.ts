/**
 * Every command the README and docs/ show in a ```sh block runs as written
 * (issue 13: the README's Deno command lacked SLOTPULL_TOKEN in
 * --allow-env and nobody noticed). Commands are read from the files
 * themselves, never copied here: a changed command is run as changed, and a
 * new one fails the first test until a rule below says what runs it.
 *
 * Servers run in a private network namespace, so the ports the docs name
 * (8080, 9000) are free whatever else this machine runs. Commands that build
 * (`npm start`, `npm pack`) run in a copy of the checkout — its files as a
 * clone would have them, no dist/ — with node_modules linked in, so the
 * checkout's own dist/ is never rewritten under other tests.
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docBlocks } from './support/doc-blocks.ts';
import { createNetNamespace, type NetNamespace, type Started } from './support/netns.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The files whose ```sh blocks are the commands people are told to run. */
const DOCS = ['README.md', ...(await readdir(join(ROOT, 'docs'))).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

interface Command {
  readonly text: string;
  readonly at: string;
}

/** The commands of a ```sh block: `\` continuations joined, comments and blank lines dropped. */
function commandsOf(text: string, at: string): Command[] {
  return text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.replace(/(^|\s+)#(\s.*)?$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => ({ text: line, at }));
}

const COMMANDS: Command[] = DOCS.flatMap((file) => docBlocks(file).filter((block) => block.lang === 'sh').flatMap((block) => commandsOf(block.text, block.at)));

/** Who runs each command: a test of this file, another test, or (named) nobody, and why. */
const RULES: ReadonlyArray<{ readonly pattern: RegExp; readonly runBy: string }> = [
  { pattern: /^npm ci && npm start$/, runBy: "this file: 'npm start serves …' (npm ci is what .ci/run does before npm test)" },
  { pattern: /^npm test$/, runBy: "CI: .ci/run runs it as written (checked by 'npm test is what CI runs')" },
  { pattern: /^npm start -- --config slotpull\.config\.json /, runBy: "this file: 'npm start with the README's slots file …'" },
  { pattern: /^STATE=\$\{XDG_STATE_HOME:-\$HOME\/\.local\/state\}\/slotpull$/, runBy: "this file: 'the Deno command …' (its block's three lines, in one shell)" },
  { pattern: /^mkdir -p "\$STATE"$/, runBy: "this file: 'the Deno command …' (its block's three lines, in one shell)" },
  { pattern: /^DENO_NO_UPDATE_CHECK=1 node_modules\/\.bin\/deno run /, runBy: "this file: 'the Deno command …' (its block's three lines, in one shell)" },
  { pattern: /^curl /, runBy: "this file: 'npm start serves …' (against that server)" },
  { pattern: /node bin\/slotpull\.js --public-url http:\/\/dash\.example\/slotpull$/, runBy: 'tests/system/proxy.test.ts (docs/proxy.md end to end)' },
  { pattern: /^npm run bench( |$)/, runBy: 'nobody here: the benchmarks take minutes each (docs/benchmarks.md); they print figures, run by hand' },
];

const commandsMatching = (pattern: RegExp): Command[] => COMMANDS.filter((command) => pattern.test(command.text));

/** The one command matching `pattern` (the rules say which test runs it). */
function theCommand(pattern: RegExp): string {
  const found = commandsMatching(pattern);
  if (found.length !== 1) throw new Error(`expected one documented command like ${pattern}, found ${found.length}`);
  return (found[0] as Command).text;
}

/** The servers' state directories (README, "State") go under here, not under this machine's own home. */
const STATE_HOME = mkdtempSync(join(tmpdir(), 'slotpull-doc-state-'));
const NPM_ENV = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/root',
  XDG_STATE_HOME: STATE_HOME,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
};

describe('the commands of README.md and docs/, run as written', () => {
  let ns: NetNamespace;
  /** A copy of the checkout as a clone has it: tracked and new files, no dist/, node_modules linked. */
  let copy: string;

  beforeAll(async () => {
    copy = await mkdtemp(join(tmpdir(), 'slotpull-clone-'));
    const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\0');
    for (const file of files) if (file !== '' && existsSync(join(ROOT, file))) await cp(join(ROOT, file), join(copy, file));
    await symlink(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
    ns = await createNetNamespace();
  });

  afterAll(async () => {
    await ns?.close();
    if (copy !== undefined) await rm(copy, { recursive: true, force: true });
    await rm(STATE_HOME, { recursive: true, force: true });
  });

  /** Runs `command` with bash in the namespace, in `cwd`; resolves with its stdout once it exits 0. */
  async function run(command: string, cwd: string): Promise<string> {
    const started = ns.start(['bash', '-c', command], { cwd, env: NPM_ENV });
    const code = await started.exited;
    if (code !== 0) throw new Error(`\`${command}\` exited ${code}:\n${started.output()}`);
    return started.stdout();
  }

  /** Starts a server command and waits until it says where it listens. */
  async function serve(command: string, cwd: string, url: string): Promise<Started> {
    const server = ns.start(['bash', '-c', command], { cwd, env: NPM_ENV });
    await server.waitFor(new RegExp(`listening on ${url.replaceAll('.', '\\.')}`), `\`${command}\``, 170_000);
    return server;
  }

  async function stop(server: Started): Promise<void> {
    process.kill(-(server.child.pid as number), 'SIGTERM');
    await server.exited;
  }

  it('has a rule for every command, and every rule still has its command', () => {
    expect(COMMANDS.length).toBeGreaterThan(5);
    const unruled = COMMANDS.filter((command) => RULES.filter((rule) => rule.pattern.test(command.text)).length !== 1);
    expect(unruled.map((c) => `${c.at}: ${c.text}`), 'commands with no rule (or two): add one to RULES, saying what runs them').toEqual([]);
    const stale = RULES.filter((rule) => commandsMatching(rule.pattern).length === 0);
    expect(stale.map((rule) => String(rule.pattern)), 'rules whose command is gone from the docs').toEqual([]);
  });

  it('npm test is what CI runs', async () => {
    expect(theCommand(/^npm test$/)).toBe('npm test');
    const ci = await readFile(join(ROOT, '.ci/run'), 'utf8');
    expect(ci).toMatch(/^npm ci\b/m);
    expect(ci).toMatch(/^npm test$/m);
  });

  it('npm pack from a clean clone builds dist/ first (prepack) and ships it', async () => {
    expect(existsSync(join(copy, 'dist'))).toBe(false);
    const output = await run('npm pack --dry-run --json', copy);
    // The build's own lines come first; the JSON is the rest.
    const [packed] = JSON.parse(output.slice(output.search(/^\[/m))) as [{ files: { path: string }[] }];
    const paths = packed.files.map((file) => file.path);
    for (const path of [
      'bin/slotpull.js',
      'dist/server/node/main.js',
      'dist/server/deno/main.js',
      'dist/elements/slotpull.js',
      'dist/elements/index.js',
      'dist/elements/index.d.ts',
      'dist/elements/configure-server.js',
      'dist/elements/translations/de.js',
      'dist/demo/dashboard.js',
      'custom-elements.json',
    ]) {
      expect(paths, path).toContain(path);
    }
    expect(paths.filter((path) => path.startsWith('dist/embed/') || path.startsWith('tests/') || path.startsWith('node_modules/'))).toEqual([]);
  });

  it('npm start serves the demo config on :8080, and the curl commands work against it', async () => {
    const server = await serve(theCommand(/^npm ci && npm start$/).replace(/^npm ci && /, ''), copy, 'http://127.0.0.1:8080/');
    try {
      expect(server.output()).toMatch(/runtime demo \(no slots file was given/);
      const [post, stream] = [theCommand(/^curl -X POST /), theCommand(/^curl -N /)];
      expect(JSON.parse(await run(post, ROOT))).toMatchObject({ slot_name: 'chat', state: 'pulling' });
      // The stream runs until the pull is done: cancel it once the stream has spoken.
      const following = ns.start(['bash', '-c', stream], { env: NPM_ENV });
      await following.waitFor(/^data: .*"state":"pulling"/m, stream);
      await run('curl -s -X DELETE http://127.0.0.1:8080/api/slots/chat/pull', ROOT);
      expect(await following.exited).toBe(0);
      expect(following.output()).toMatch(/"state":"cancelled"/);
    } finally {
      await stop(server);
    }
  });

  it("npm start with the README's slots file, the cli runtime and podman on :9000", async () => {
    const slotsFile = docBlocks('README.md').find((block) => block.lang === 'json' && block.text.includes('"slots"') && !block.text.includes('"engines"'));
    expect(slotsFile, "the README's first slots file").toBeDefined();
    await writeFile(join(copy, 'slotpull.config.json'), slotsFile?.text ?? '');
    const server = await serve(theCommand(/^npm start -- --config slotpull\.config\.json /), copy, 'http://127.0.0.1:9000/');
    try {
      expect(server.output()).toMatch(/runtime cli:podman .*\n.*slots from .*slotpull\.config\.json: chat, embed/);
      expect(JSON.parse(await run('curl -s http://127.0.0.1:9000/api/health', ROOT))).toMatchObject({ ok: true, runtime: 'cli:podman' });
    } finally {
      await stop(server);
    }
  });

  it('the Deno command serves the demo config on :8080 with only the permissions it grants', async () => {
    const block = [theCommand(/^STATE=/), theCommand(/^mkdir -p "\$STATE"$/), theCommand(/deno run /)].join('\n');
    const server = await serve(block, ROOT, 'http://127.0.0.1:8080/');
    try {
      expect(JSON.parse(await run('curl -s http://127.0.0.1:8080/api/health', ROOT))).toMatchObject({ ok: true, runtime: 'demo' });
      expect(await run('curl -s -o /dev/null -w "%{http_code}" -X POST http://127.0.0.1:8080/api/slots/chat/pull', ROOT)).toBe('202');
      expect(server.output()).not.toMatch(/PermissionDenied|NotCapable|Requires .* access/);
      expect(server.output()).toContain(`state: ${join(STATE_HOME, 'slotpull')} (from $XDG_STATE_HOME)`);
    } finally {
      await stop(server);
    }
  });
});
