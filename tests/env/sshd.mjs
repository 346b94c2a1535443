// A real OpenSSH server (Debian's openssh-server) on a loopback port, started
// on demand by a test file in front of the environment's engines: its own
// host key, an authorized client key, and the client side ready to use — an
// ssh_config with its own known_hosts and identity (never the user's), plus
// the same with a wrong host key and with a key the server refuses. Sessions
// run with the environment given (DOCKER_HOST, PATH) and an empty HOME, so
// the remote `docker system dial-stdio` reaches the test dockerd and no
// start-up file of the machine's user runs. ~0.2 s. Types: sshd.d.mts.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './engines.mjs';
import { createSupervisor, reapUnder } from './supervisor.mjs';

const SSHD = '/usr/sbin/sshd';
const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 10_000;
const READY_POLL_MS = 25;
/** Where Debian's sshd insists on its privilege-separation directory (its service creates it at boot). */
const PRIVSEP_DIR = '/run/sshd';

/**
 * @param {import('./sshd.d.mts').SshdOptions} options
 * @returns {Promise<import('./sshd.d.mts').Sshd>}
 */
export async function startSshd(options = {}) {
  if (!existsSync(SSHD)) throw new Error(`sshd: ${SSHD} not found; install the Debian package openssh-server (as root)`);
  const dir = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'slotpull-sshd-'));
  const supervisor = createSupervisor({ dir, logDir: dir });
  const file = (/** @type {string} */ name) => join(dir, name);
  const stop = async () => {
    await supervisor.stopAll();
    // Sessions (and the dial-stdio under them) are children of the listener: gone with the connections, else reaped.
    await reapUnder(dir);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const keygen = (/** @type {string} */ name) => supervisor.runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', file(name)]);
    await Promise.all(['host_key', 'impostor_host_key', 'client_key', 'stranger_key'].map(keygen));
    writeFileSync(file('authorized_keys'), readFileSync(file('client_key.pub')));
    const port = await freePort();
    // A home of its own: the sessions' shell reads no start-up files of the machine's user (root's ~/.bashrc can take seconds).
    mkdirSync(file('home'));
    const environment = Object.entries({ HOME: file('home'), ...options.environment }).map(([name, value]) => `${name}=${value}`);
    writeFileSync(file('sshd_config'), [
      `Port ${port}`,
      `ListenAddress ${HOST}`,
      `HostKey ${file('host_key')}`,
      `PidFile ${file('sshd.pid')}`,
      `AuthorizedKeysFile ${file('authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      // The keys live in a temp dir that sshd's ownership checks would refuse.
      'StrictModes no',
      ...(environment.length === 0 ? [] : [`SetEnv ${environment.join(' ')}`]),
      'LogLevel VERBOSE',
      '',
    ].join('\n'));
    mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    const daemon = supervisor.startDaemon('sshd', SSHD, ['-D', '-e', '-f', file('sshd_config')], process.env);
    await waitForBanner(daemon, port);

    const hostKey = readFileSync(file('host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    const impostorKey = readFileSync(file('impostor_host_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(file('known_hosts'), `[${HOST}]:${port} ${hostKey}\n`);
    writeFileSync(file('wrong_known_hosts'), `[${HOST}]:${port} ${impostorKey}\n`);
    const clientConfig = (/** @type {string} */ name, /** @type {string} */ knownHosts, /** @type {string} */ identity) => {
      writeFileSync(file(name), [
        'Host *',
        `  UserKnownHostsFile ${file(knownHosts)}`,
        '  GlobalKnownHostsFile /dev/null',
        `  IdentityFile ${file(identity)}`,
        '  IdentitiesOnly yes',
        '  IdentityAgent none',
        '  StrictHostKeyChecking yes',
        '  LogLevel ERROR',
        '',
      ].join('\n'));
      return file(name);
    };
    return {
      dir,
      port,
      address: `ssh://root@${HOST}:${port}`,
      config: clientConfig('ssh_config', 'known_hosts', 'client_key'),
      wrongHostKeyConfig: clientConfig('ssh_config_wrong_host_key', 'wrong_known_hosts', 'client_key'),
      refusedKeyConfig: clientConfig('ssh_config_refused_key', 'known_hosts', 'stranger_key'),
      logFile: daemon.logFile,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Ready once the server greets a connection with its banner. @param {import('./supervisor.d.mts').Daemon} daemon @param {number} port */
async function waitForBanner(daemon, port) {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (daemon.exited) throw new Error(`sshd exited before it was ready; ${daemon.logFile}:\n${daemon.logTail()}`);
    const greeted = await new Promise((resolve) => {
      const socket = connect(port, HOST);
      socket.once('data', (chunk) => {
        socket.destroy();
        resolve(chunk.toString('latin1').startsWith('SSH-2.0-'));
      });
      socket.once('error', () => resolve(false));
    });
    if (greeted) return;
    await sleep(READY_POLL_MS);
  }
  throw new Error(`sshd not ready within ${READY_TIMEOUT_MS} ms; ${daemon.logFile}:\n${daemon.logTail()}`);
}
