/**
 * The built Node entry (`bin/slotpull.js`, run after `npm run build`) as a
 * person runs it: flags, exit codes, the first log lines, a clean stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { VERSION } from '../../server/entry/version.ts';
import { writeFakeCli, DOCKER_PULL_LINES } from '../helpers/fake-cli.ts';

const ENTRY = new URL('../../bin/slotpull.js', import.meta.url).pathname;

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

/** The test directory: slots files, fake CLIs, state directories. */
let dir: string;

/** Runs the entry; its state directory is under a fresh XDG_STATE_HOME of its own unless `env` names one. */
function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [ENTRY, ...args], {
    env: { PATH: process.env.PATH ?? '', XDG_STATE_HOME: mkdtempSync(join(dir, 'state-')), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** Resolves the URL the server printed. */
async function listening(server: Run): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /listening on (http:\/\/\S+)/.exec(server.output());
    if (match !== null) return match[1] as string;
    if (Date.now() > deadline || server.child.exitCode !== null) throw new Error(`the server did not say where it listens:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('slotpull (Node entry)', () => {
  let running: Run | undefined;

  beforeAll(async () => {
    if (!existsSync(new URL('../../dist/server/node/main.js', import.meta.url))) {
      throw new Error('dist/ is missing: run `npm run build` (npm test does) before these tests');
    }
    dir = await mkdtemp(join(tmpdir(), 'slotpull-entry-'));
    return () => rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    if (running !== undefined && running.child.exitCode === null) {
      running.child.kill('SIGKILL');
      await running.exit;
    }
    running = undefined;
  });

  it('keeps its reported version equal to package.json', () => {
    expect(VERSION).toBe(packageJson.version);
  });

  it('prints usage for --help and exits 0', async () => {
    const help = run(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.output()).toContain('Usage: slotpull [options]');
    expect(help.output()).toContain('--runtime MODE');
  });

  it('exits 2 for an unknown flag', async () => {
    const bad = run(['--colour']);
    expect(await bad.exit).toBe(2);
    expect(bad.output()).toBe('slotpull: unknown flag "--colour"; run slotpull --help for the flags\n');
  });

  it('exits 2 for a slots file that is named but missing, never falling back to the demo', async () => {
    const missing = run([], { SLOTPULL_CONFIG: join(dir, 'nope.json') });
    expect(await missing.exit).toBe(2);
    expect(missing.output()).toContain('nope.json: cannot read the slots file (no such file)');
  });

  it('exits 2 for a bad slots file with one line per problem', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ slots: [{ name: 'ok', provider: 'container', image: '-x' }, { name: 'ok', provider: 'external', port: 0 }] }));
    const bad = run(['--config', file]);
    expect(await bad.exit).toBe(2);
    expect(bad.output().trim().split('\n')).toEqual([
      `slotpull: ${file}: slot "ok" (slots[0]): image: must not start with "-"`,
      `slotpull: ${file}: slot "ok" (slots[1]): port: must be 1–65535`,
      `slotpull: ${file}: slot "ok" (slots[1]): name: "ok" is used by an earlier slot; names must be unique`,
    ]);
  });

  it('serves the demo config on the demo runtime, says so first, stops cleanly on SIGTERM mid-pull, and takes the pull up again at the next start', async () => {
    const stateHome = join(dir, 'state-home');
    running = run(['--port', '0'], { XDG_STATE_HOME: stateHome });
    const url = await listening(running);
    const lines = running.output().split('\n');
    expect(lines[0]).toMatch(/^slotpull \d+\.\d+\.\d+: runtime demo \(no slots file was given/);
    expect(lines).toContain(`state: ${join(stateHome, 'slotpull')} (from $XDG_STATE_HOME)`);
    expect(await (await fetch(`${url}api/health`)).json()).toEqual({ ok: true, runtime: 'demo', version: VERSION });
    const started = await (await fetch(`${url}api/slots/chat/pull`, { method: 'POST' })).json();
    expect(started).toMatchObject({ state: 'pulling', server_restarts: 0 });
    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    expect(running.output()).toContain('SIGTERM: stopping; 1 running pull left to be taken up again by the next start\n');

    running = run(['--port', '0'], { XDG_STATE_HOME: stateHome });
    const again = await listening(running);
    expect(running.output()).toContain(`pull ${started.job_id} of ghcr.io/acme/llama-server:vulkan taken up again after a restart`);
    expect(await (await fetch(`${again}api/slots/code/pull/status`)).json()).toMatchObject({ job_id: started.job_id, state: 'pulling', server_restarts: 1 });
    const history = await (await fetch(`${again}api/pulls`)).json();
    expect(history.jobs).toEqual([expect.objectContaining({ job_id: started.job_id, slots: ['chat', 'code'], state: 'pulling', server_restarts: 1 })]);
  });

  it('refuses a second server on its state directory, and a state directory it cannot write, each in one line with exit 2', async () => {
    const stateDir = join(dir, 'one-server');
    running = run(['--port', '0', '--state-dir', stateDir]);
    await listening(running);
    const second = run(['--port', '0', '--state-dir', stateDir]);
    expect(await second.exit).toBe(2);
    expect(second.output()).toMatch(
      new RegExp(`^slotpull: state dir ${stateDir} is in use by another slotpull \\(pid ${running.child.pid}, node [^)]+\\): stop that one, or give this one another --state-dir\n$`),
    );

    const file = join(dir, 'not-a-dir');
    await writeFile(file, '');
    const unwritable = run(['--port', '0', '--state-dir', file]);
    expect(await unwritable.exit).toBe(2);
    expect(unwritable.output()).toBe(
      `slotpull: state dir ${file} cannot be written (a file is in the way): choose another with --state-dir DIR, or --state-dir none to keep pulls in memory only\n`,
    );
  });

  it('answers a proxied name given with --public-url, and logs each refusal with its cause, at most ten a minute (issue 13)', async () => {
    running = run(['--port', '0', '--public-url', 'https://dash.example/slotpull'], { SLOTPULL_TOKEN: 'entry-token' });
    const url = await listening(running);
    expect(running.output()).toContain("public URL: https://dash.example/slotpull (pages there are this server's own; Host dash.example is answered)\n");
    const get = (host: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        // fetch() cannot set Host: node:http can.
        request(`${url}api/slots`, { headers: { Host: host, ...headers } }, (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
    expect(await get('dash.example')).toBe(200);
    for (let i = 0; i < 12; i += 1) expect(await get('other.example')).toBe(403);
    expect(await get('dash.example', { Origin: 'https://evil.example' })).toBe(403);
    const refusals = running.output().split('\n').filter((line) => line.includes(': refused GET /api/slots'));
    expect(refusals).toHaveLength(10);
    expect(refusals[0]).toMatch(/^request [0-9a-f-]{36}: refused GET \/api\/slots \(403 host_not_allowed\): This server answers only to 127\.0\.0\.1, localhost, \[::1\], dash\.example, not to "other\.example"/);
    expect(running.output()).not.toContain('entry-token');
  });

  it('starts on a slots file with a byte-order mark and no slot, and says there is nothing to show (issue 14)', async () => {
    const file = join(dir, 'empty-bom.json');
    await writeFile(file, '\uFEFF{"slots":[]}');
    running = run(['--port', '0', '--config', file, '--runtime', 'demo']);
    const url = await listening(running);
    expect(running.output()).toContain(`slots from ${file}: none — the dashboard and the API have nothing to show; add slots to the file (README, "Configuration") and restart\n`);
    expect(await (await fetch(`${url}api/slots`)).json()).toEqual([]);
    expect(await (await fetch(url)).text()).toContain('<p>The slots file names no slot: add slots to it (README, “Configuration”) and restart slotpull.</p>');
  });

  it('uses a docker CLI given with --cli', async () => {
    const cli = await writeFakeCli({ inspectExit: 0, pullStdout: DOCKER_PULL_LINES, pullExit: 0 });
    try {
      const file = join(dir, 'one.json');
      await writeFile(file, JSON.stringify({ slots: [{ name: 'one', provider: 'container', image: '127.0.0.1:5000/feas/multi:1' }] }));
      running = run(['--port', '0', '--config', file, '--runtime', 'cli', '--cli', cli.path]);
      const url = await listening(running);
      expect(await (await fetch(`${url}api/health`)).json()).toMatchObject({ runtime: 'cli:docker' });
      expect(await (await fetch(`${url}api/slots/one`)).json()).toMatchObject({ image_status: 'present' });
    } finally {
      await cli.remove();
    }
  });

  it('on SIGTERM mid-pull, cancels the CLI child, ends streams and exits 0 within 5 s', async () => {
    // FAKE docker CLI whose pull records its pid and then is that pid (exec), so the test can watch it.
    const fake = join(dir, 'fake-docker-slow');
    const pidFile = join(dir, 'pull.pid');
    await writeFile(
      fake,
      `#!/bin/bash\ncase "$1 $2" in\n  "--version "*) echo "Docker version 27.0.0, build fake";;\n  "image inspect") exit 1;;\n  "ps --all") exit 0;;\n  "pull "*) echo $$ > ${pidFile}; exec sleep 60;;\nesac\n`,
      { mode: 0o755 },
    );
    const file = join(dir, 'slow.json');
    await writeFile(file, JSON.stringify({ slots: [{ name: 'slow', provider: 'container', image: 'ghcr.io/acme/slow:1' }] }));
    running = run(['--port', '0', '--config', file, '--runtime', 'cli', '--cli', fake]);
    const url = await listening(running);
    expect((await fetch(`${url}api/slots/slow/pull`, { method: 'POST' })).status).toBe(202);
    const stream = await fetch(`${url}api/events`);
    const reader = stream.body!.getReader();
    await reader.read();
    let pid = Number.NaN;
    for (const deadline = Date.now() + 5000; Number.isNaN(pid) && Date.now() < deadline; ) {
      pid = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim() || Number.NaN);
      if (Number.isNaN(pid)) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(Number.isInteger(pid)).toBe(true);

    const stoppedAt = Date.now();
    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(5000);
    // The open stream ended rather than hanging.
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read());
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});
