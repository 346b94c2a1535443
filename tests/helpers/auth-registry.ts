/**
 * A second docker-registry serving the seeded images of tests/env (their
 * storage read in place) behind an `auth:` section of the test's choosing —
 * htpasswd or token — on a free loopback port. Ready once `/v2/` answers 401.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import type { EngineEnvInfo } from '../env/engines.d.mts';

export interface AuthRegistry {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** SIGTERM by PID, resolved once it exited. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const POLL_MS = 50;
/** The lowest bcrypt cost Go accepts: the hash only has to be valid, and cheap to make. */
const BCRYPT_COST = 4;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** `auth` holds the YAML lines under `auth:`, indented by two spaces (e.g. `  htpasswd:`). */
export async function startAuthRegistry(env: EngineEnvInfo, dir: string, auth: string[]): Promise<AuthRegistry> {
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(dir, `registry-${host.replace(/\W/g, '-')}.yml`);
  await writeFile(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(env.tmpDir, 'registry', 'data')}`,
      'auth:',
      ...auth,
      'http:',
      `  addr: ${host}`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const status = await fetch(`http://${host}/v2/`).then((answer) => answer.status, () => 0);
    if (status === 401) return { host, stop };
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`the registry with auth on ${host} did not answer 401 on /v2/ (last: ${status})`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Writes an htpasswd file for `users` (user → password) in `dir`; returns its `auth:` lines. */
export async function htpasswdAuth(dir: string, users: Record<string, string>): Promise<string[]> {
  const path = join(dir, 'htpasswd');
  await writeFile(path, Object.entries(users).map(([user, password]) => `${user}:${bcrypt.hashSync(password, BCRYPT_COST)}\n`).join(''));
  return ['  htpasswd:', '    realm: slotpull-test', `    path: ${path}`];
}
