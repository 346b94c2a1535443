/**
 * The Deno entry run exactly as the README's "Running on Deno" block says
 * (the block itself, through bash, in the repository; tests/system/
 * doc-commands.test.ts runs it too, in a network namespace), on the demo runtime
 * with a home of its own: it keeps its state where the first log lines say,
 * and after a SIGKILL mid-pull the same command takes the pull up again by
 * itself with its job id, and a stream that reconnects with Last-Event-ID
 * goes on with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readSse } from '../helpers/sse-client.ts';
import { docBlocks, type DocBlock } from '../system/support/doc-blocks.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
/** Deno compiles the sources on its first run; a restart after a kill waits up to 5 s for the dead server's lock. */
const START_TIMEOUT_MS = 40_000;
const TEST_TIMEOUT_MS = 90_000;
const POLL_MS = 25;

/** The README's "Running on Deno" block: the one ```sh block that runs deno. */
function readmeDenoBlock(): string {
  const blocks = docBlocks('README.md').filter((block) => block.lang === 'sh' && block.text.includes('deno run'));
  if (blocks.length !== 1) throw new Error(`README.md has ${blocks.length} \`\`\`sh blocks that run deno; this test expects exactly one`);
  return (blocks[0] as DocBlock).text;
}

interface Running {
  child: ChildProcess;
  base: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs the block with bash in a process group of its own (bash and the deno it starts), waiting for "listening on". */
async function runBlock(block: string, home: string): Promise<Running> {
  const child = spawn('bash', ['-euc', block], {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: home, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  started.push(child);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const base = /listening on (http:\/\/\S+?)\/?$/m.exec(output)?.[1];
    if (base !== undefined) return { child, base, output: () => output, exited };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the README's Deno command did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Signals the block's whole process group (bash and deno). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // ESRCH: the group has already gone.
  }
}

const started: ChildProcess[] = [];

describe("the README's Deno command", () => {
  let home: string;
  let block: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'slotpull-deno-home-'));
    block = readmeDenoBlock();
  });
  afterEach(async () => {
    for (const child of started.splice(0)) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const gone = new Promise((resolve) => child.once('close', resolve));
      signalGroup(child, 'SIGKILL');
      await gone;
    }
  });
  afterAll(async () => {
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  it('runs as written, and after a SIGKILL mid-pull takes the pull up again with its id', { timeout: TEST_TIMEOUT_MS }, async () => {
    const stateDir = join(home, '.local', 'state', 'slotpull');
    const first = await runBlock(block, home);
    expect(first.output()).toContain(`state: ${stateDir} (from $HOME/.local/state)\n`);
    expect(await (await fetch(`${first.base}/api/health`)).json()).toMatchObject({ ok: true, runtime: 'demo' });
    const pull = await (await fetch(`${first.base}/api/slots/chat/pull`, { method: 'POST' })).json();
    const stream = readSse(await fetch(`${first.base}/api/slots/chat/pull/stream`));
    let message = await stream.next();
    while (JSON.parse(message.data).percent === null) message = await stream.next(20_000);
    const shown = JSON.parse(message.data);
    await stream.close();
    signalGroup(first.child, 'SIGKILL');
    await first.exited;

    const second = await runBlock(block, home);
    expect(second.output()).toContain(`pull ${pull.job_id} of ghcr.io/acme/llama-server:vulkan taken up again after a restart from `);
    const again = readSse(await fetch(`${second.base}/api/slots/chat/pull/stream`, { headers: { 'Last-Event-ID': message.id ?? '0' } }));
    const resumed = await again.next();
    expect(Number(resumed.id)).toBeGreaterThan(Number(message.id));
    const frame = JSON.parse(resumed.data);
    expect(frame).toMatchObject({ job_id: pull.job_id, state: 'pulling', server_restarts: 1, started_at: pull.started_at });
    expect(frame.percent).toBeGreaterThanOrEqual(shown.percent);
    await again.close();
    expect(await (await fetch(`${second.base}/api/slots/chat/pull`, { method: 'DELETE' })).json()).toMatchObject({ job_id: pull.job_id, state: 'cancelled' });
    expect((await (await fetch(`${second.base}/api/pulls`)).json()).jobs).toEqual([
      expect.objectContaining({ job_id: pull.job_id, slots: ['chat', 'code'], runtime: 'demo', state: 'cancelled', server_restarts: 1 }),
    ]);

    signalGroup(second.child, 'SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toContain('SIGTERM: stopping; no pull is running\n');
  });
});
