// The real-engine test environment: a local registry, a throttling proxy in
// front of it, `podman system service` and dockerd, each with its own config
// and data under one temp dir, and seeded images. See README.md here for the
// API and engines.d.mts for the types.
//
// Nothing system-wide is used: no /var/lib/docker, no default podman
// storage, no /run/docker.sock, no shared libpod SHM lock (file locks under
// the temp dir). stop() — or any failure while starting, or the parent
// process exiting — stops every process by PID and removes the temp dir.
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IMAGE_SPECS, seedImages } from './seed-images.mjs';
import { createSupervisor, reapUnder, reapUnderSync, removeStaleSockets, runTracked, socketsOutside, stopDaemon, unmountUnder } from './supervisor.mjs';
import { DEFAULT_RATE_BPS, startThrottleProxy } from './throttle-proxy.mjs';
import { makeTlsCerts } from './tls-certs.mjs';
import { engineRequest } from './unix-http.mjs';

/** Every seeded image name. */
export const IMAGE_NAMES = /** @type {import('./engines.d.mts').ImageName[]} */ (Object.keys(IMAGE_SPECS));
/** A daemon that does not answer its readiness probe within this time fails the start. */
const READY_TIMEOUT_MS = 30_000;
const READY_POLL_MS = 50;
/** Removing the containers left by tests, per engine, before the engines stop. */
const CONTAINER_CLEANUP_TIMEOUT_MS = 20_000;
/** Port collisions when the registry starts are retried this many times. */
const REGISTRY_ATTEMPTS = 3;
/** The supervisor's name of each daemon that stopEngine/stopRegistry can stop and start again. */
const DAEMON_NAMES = /** @type {const} */ ({ podman: 'podman', docker: 'dockerd', registry: 'registry' });
const HOST = '127.0.0.1';
/** What the environment needs on a Debian 12 machine. */
export const REQUIRED_PACKAGES = 'podman docker.io docker-registry busybox-static';
/** sun_path is 108 bytes; the longest socket is <tmpDir>/docker/exec/containerd/containerd.sock.ttrpc. */
const MAX_SOCKET_PATH = 107;
const LONGEST_SOCKET_SUFFIX = '/slotpull-env-XXXXXX/docker/exec/containerd/containerd.sock.ttrpc';
/** Environment variables that would send engines to a real proxy or another engine. */
const STRIPPED_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'DOCKER_HOST', 'CONTAINER_HOST', 'DOCKER_CONFIG', 'CONTAINERS_CONF', 'CONTAINERS_STORAGE_CONF', 'CONTAINERS_REGISTRIES_CONF'];

/**
 * Starts the whole environment. Rejects (after stopping whatever had started)
 * when any part fails, with that part's log tail in the message.
 * @param {import('./engines.d.mts').EngineEnvOptions} [options]
 * @returns {Promise<import('./engines.d.mts').EngineEnv>}
 */
export async function startEngineEnv(options = {}) {
  const started = performance.now();
  const engines = options.engines ?? ['podman', 'docker'];
  const imageNames = options.images ?? IMAGE_NAMES;
  for (const name of imageNames) if (!(name in IMAGE_SPECS)) throw new Error(`engine env: unknown image ${JSON.stringify(name)}; known: ${IMAGE_NAMES.join(', ')}`);
  const log = options.log ?? (process.env.SLOTPULL_ENV_DEBUG ? (/** @type {string} */ line) => process.stderr.write(`engine-env: ${line}\n`) : () => {});

  const missingTools = ['docker-registry', 'podman', ...(engines.includes('docker') ? ['dockerd', 'docker', 'openssl'] : [])].filter((tool) => !onPath(tool));
  if (missingTools.length > 0) {
    throw new Error(`engine env: ${missingTools.join(', ')} not found on PATH; install the Debian packages ${REQUIRED_PACKAGES} (as root)`);
  }
  const tmpRoot = options.tmpRoot ?? tmpdir();
  if (tmpRoot.length + LONGEST_SOCKET_SUFFIX.length > MAX_SOCKET_PATH) {
    throw new Error(`engine env: 'tmpRoot' ${tmpRoot} is too long for unix socket paths under it (at most ${MAX_SOCKET_PATH - LONGEST_SOCKET_SUFFIX.length} characters)`);
  }
  const tmpDir = await mkdtemp(join(tmpRoot, 'slotpull-env-'));
  const dirs = makeDirs(tmpDir);
  const supervisor = createSupervisor({ dir: tmpDir, logDir: dirs.logs });
  const baseEnv = cleanEnv();
  /** @type {import('./throttle-proxy.d.mts').ThrottleProxy | undefined} */
  let proxy;
  /** @type {Partial<Record<'podman' | 'docker', import('./engines.d.mts').EngineInfo>>} */
  const running = {};
  /** @type {Promise<void> | undefined} */
  let stopping;
  /** Daemons stopped by stopEngine/stopRegistry and not started again. */
  const stoppedDaemons = new Set();

  const stop = () => {
    stopping ??= (async () => {
      const up = Object.values(running).filter((engine) => !stoppedDaemons.has(engine.name));
      await Promise.all(up.map((engine) => removeAllContainers(engine, log)));
      const sockets = socketsOutside(tmpDir);
      await proxy?.close();
      await supervisor.stopAll();
      const reaped = await reapUnder(tmpDir);
      if (reaped.length > 0) log(`stopped ${reaped.length} leftover process(es) under ${tmpDir}: ${reaped.join(' ')}`);
      removeStaleSockets(sockets);
      const stuck = unmountUnder(tmpDir);
      if (stuck.length > 0) throw new Error(`engine env: cannot unmount ${stuck.join(', ')}; ${tmpDir} is left`);
      await rm(tmpDir, { recursive: true, force: true });
      log(`stopped; ${tmpDir} removed`);
    })().finally(() => removeHooks());
    return stopping;
  };
  const removeHooks = installExitHooks(() => {
    const sockets = socketsOutside(tmpDir);
    supervisor.killAllSync();
    reapUnderSync(tmpDir);
    removeStaleSockets(sockets);
    unmountUnder(tmpDir);
    rmSync(tmpDir, { recursive: true, force: true });
  });

  /** @type {Record<string, number>} */
  const timings = {};
  const timed = async (/** @type {string} */ step, /** @type {() => Promise<any>} */ fn) => {
    const t0 = performance.now();
    const result = await fn();
    timings[step] = Math.round(performance.now() - t0);
    log(`${step}: ${timings[step]} ms`);
    return result;
  };

  /** dockerd's TLS listener: the same port and certificates when it is started again. */
  /** @type {{ port: number, certs: import('./tls-certs.d.mts').TlsCerts } | undefined} */
  let dockerTls;
  try {
    // Made while the registry starts; dockerd needs them.
    const certsReady = engines.includes('docker') ? timed('tls-certs', () => makeTlsCerts(dirs.tls, (cmd, args) => supervisor.runCommand(cmd, args, { env: baseEnv }))) : undefined;
    // Awaited by the docker step; a failure before it must not be an unhandled rejection.
    certsReady?.catch(() => undefined);
    const registryPort = await timed('registry', () => startRegistry(supervisor, dirs, baseEnv));
    const registry = `${HOST}:${registryPort}`;
    /** @type {import('./throttle-proxy.d.mts').ThrottleProxy} */
    const throttle = await timed('proxy', () => startThrottleProxy({ target: { host: HOST, port: registryPort }, rate: options.rate ?? DEFAULT_RATE_BPS }));
    proxy = throttle;
    const storageDriver = await timed('storage-probe', () => probeStorageDriver(supervisor, dirs, baseEnv, registry));
    writePodmanConfig(dirs.podman, storageDriver, [registry, throttle.address]);
    writePodmanConfig(dirs.build, storageDriver, [registry, throttle.address]);

    const steps = await Promise.allSettled([
      engines.includes('podman') ? timed('podman', () => startPodman(supervisor, dirs, baseEnv, storageDriver)).then((info) => { running.podman = info; }) : undefined,
      engines.includes('docker') ? timed('docker', async () => startDocker(supervisor, dirs, baseEnv, dockerTls = { port: await freePort(), certs: /** @type {import('./tls-certs.d.mts').TlsCerts} */ (await certsReady) })).then((info) => { running.docker = info; }) : undefined,
      timed('images', () => seedImages({
        names: imageNames, registry, proxy: throttle.address, workDir: dirs.build, busybox: options.busybox, log,
        run: (cmd, args) => supervisor.runCommand(cmd, args, { env: podmanEnv(dirs.build, baseEnv) }),
      })),
    ]);
    const failed = steps.find((step) => step.status === 'rejected');
    if (failed) throw failed.reason;
    const images = /** @type {PromiseFulfilledResult<Record<string, import('./engines.d.mts').SeededImage>>} */ (steps[2]).value;
    timings.total = Math.round(performance.now() - started);
    log(`ready in ${timings.total} ms (${tmpDir})`);

    /** @type {import('./engines.d.mts').EngineEnvInfo} */
    const info = {
      tmpDir, registry,
      proxy: { host: throttle.host, port: throttle.port, address: throttle.address, controlUrl: throttle.controlUrl },
      ...running,
      images: /** @type {import('./engines.d.mts').EngineEnvInfo['images']} */ (images),
      timings,
    };
    /**
     * Stops one daemon by PID, as a crash or an operator would; its dirs,
     * socket path, storage and port stay, for startEngine/startRegistry.
     * @param {'podman' | 'docker' | 'registry'} name @param {import('./engines.d.mts').StopDaemonOptions} options
     */
    const stopOne = async (name, { signal = 'SIGTERM' } = {}) => {
      if (stopping) throw new Error(`engine env: not stopping ${name}: the environment is stopping`);
      if (name !== 'registry' && running[name] === undefined) throw new Error(`engine env: ${name} was not started`);
      const daemon = supervisor.daemons.get(DAEMON_NAMES[name]);
      stoppedDaemons.add(name);
      if (daemon === undefined || daemon.exited) return;
      log(`${name}: stopping (${signal}, pid ${daemon.pid})`);
      const containerd = name === 'docker' ? readPidFile(containerdPidFile(dirs)) : null;
      if (signal === 'SIGTERM') {
        await stopDaemon(daemon);
      } else {
        try {
          process.kill(daemon.pid, signal);
        } catch {
          // ESRCH: it has just exited by itself.
        }
        await daemon.exit;
      }
      // dockerd's containerd dies with it (parent-death signal), a moment later: wait, so that it is gone when this resolves.
      if (containerd !== null) {
        const deadline = performance.now() + READY_TIMEOUT_MS;
        while (!['gone', 'Z'].includes(processState(containerd)) && performance.now() < deadline) await sleep(READY_POLL_MS);
      }
    };
    return {
      ...info,
      proxy: throttle,
      info,
      run: (engine, args, runOptions) => runEngineCli(info, engine, args, runOptions),
      stopEngine: (name, stopOptions) => stopOne(name, stopOptions),
      async startEngine(name) {
        if (stopping) throw new Error(`engine env: not starting ${name}: the environment is stopping`);
        const current = running[name];
        if (current === undefined) throw new Error(`engine env: ${name} was not started`);
        const daemon = supervisor.daemons.get(DAEMON_NAMES[name]);
        if (daemon !== undefined && !daemon.exited) throw new Error(`engine env: ${name} is running (pid ${daemon.pid}); stopEngine first`);
        const t0 = performance.now();
        const started = name === 'podman' ? await startPodman(supervisor, dirs, baseEnv, storageDriver) : await startDocker(supervisor, dirs, baseEnv, /** @type {NonNullable<typeof dockerTls>} */ (dockerTls));
        log(`${name}: started again in ${Math.round(performance.now() - t0)} ms (pid ${started.pid})`);
        // In place: env.podman, env.info.podman and this object are one object.
        Object.assign(current, started);
        stoppedDaemons.delete(name);
        return current;
      },
      stopRegistry: (stopOptions) => stopOne('registry', stopOptions),
      async startRegistry() {
        if (stopping) throw new Error('engine env: not starting the registry: the environment is stopping');
        const daemon = supervisor.daemons.get(DAEMON_NAMES.registry);
        if (daemon !== undefined && !daemon.exited) throw new Error(`engine env: the registry is running (pid ${daemon.pid}); stopRegistry first`);
        const t0 = performance.now();
        await startRegistry(supervisor, dirs, baseEnv, registryPort);
        log(`registry: started again in ${Math.round(performance.now() - t0)} ms`);
        stoppedDaemons.delete('registry');
      },
      stop,
    };
  } catch (err) {
    try {
      await stop();
    } catch (stopErr) {
      log(`cleanup after a failed start: ${stopErr instanceof Error ? stopErr.message : stopErr}`);
    }
    throw err;
  }
}

/**
 * Runs the engine's CLI against the environment's engine (docker with `-H`,
 * podman with `--url`), from anywhere that has the serializable info
 * (a vitest worker: `inject('engineEnv')`).
 * @param {import('./engines.d.mts').EngineEnvInfo} info
 * @param {'podman' | 'docker'} engine
 * @param {string[]} args
 * @param {import('./engines.d.mts').RunOptions} [options]
 */
export function runEngineCli(info, engine, args, options = {}) {
  const target = info[engine];
  if (!target) return Promise.reject(new Error(`engine env: ${engine} was not started`));
  return runTracked(target.cli, [...target.cliArgs, ...args], { env: { ...cleanEnv(), ...target.cliEnv }, ...options });
}

/** @param {string} tmpDir */
function makeDirs(tmpDir) {
  const dirs = {
    root: tmpDir,
    logs: join(tmpDir, 'logs'),
    registry: join(tmpDir, 'registry'),
    podman: join(tmpDir, 'podman'),
    build: join(tmpDir, 'build'),
    docker: join(tmpDir, 'docker'),
    tls: join(tmpDir, 'tls'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  return dirs;
}

/**
 * @param {ReturnType<typeof createSupervisor>} supervisor @param {ReturnType<typeof makeDirs>} dirs @param {NodeJS.ProcessEnv} env
 * @param {number} [fixedPort] the port of a registry started before (a restart): the same, never another
 */
async function startRegistry(supervisor, dirs, env, fixedPort) {
  for (let attempt = 1; ; attempt += 1) {
    const port = fixedPort ?? await freePort();
    const config = join(dirs.registry, 'config.yml');
    writeFileSync(config, [
      'version: 0.1',
      'log:',
      '  level: warn',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dirs.registry, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${HOST}:${port}`,
      '',
    ].join('\n'));
    const daemon = supervisor.startDaemon('registry', 'docker-registry', ['serve', config], env);
    try {
      await waitReady(daemon, async () => (await engineRequest({ socket: `tcp://${HOST}:${port}`, path: '/v2/', timeoutMs: 1_000 })).status === 200);
      return port;
    } catch (err) {
      if (fixedPort !== undefined || attempt >= REGISTRY_ATTEMPTS || !daemon.logTail().includes('address already in use')) throw err;
    }
  }
}

/**
 * overlay when this kernel and filesystem allow it, else vfs.
 * @param {ReturnType<typeof createSupervisor>} supervisor @param {ReturnType<typeof makeDirs>} dirs @param {NodeJS.ProcessEnv} env @param {string} registry
 */
async function probeStorageDriver(supervisor, dirs, env, registry) {
  writePodmanConfig(dirs.build, 'overlay', [registry]);
  const probe = await supervisor.runCommand('podman', ['info', '--format', '{{.Store.GraphDriverName}}'], { env: podmanEnv(dirs.build, env), allowFailure: true });
  if (probe.code === 0 && probe.stdout.trim() === 'overlay') return 'overlay';
  // A failed overlay probe may leave its private bind mount behind: drop the storage before vfs.
  unmountUnder(join(dirs.build, 'graph'));
  rmSync(join(dirs.build, 'graph'), { recursive: true, force: true });
  return 'vfs';
}

/**
 * storage.conf, containers.conf and registries.conf for one podman instance
 * (the engine under test or the image build), all under `dir`.
 * @param {string} dir @param {string} driver @param {string[]} insecureRegistries
 */
function writePodmanConfig(dir, driver, insecureRegistries) {
  for (const sub of ['graph', 'run', 'tmp', 'tmpfiles', 'networks']) mkdirSync(join(dir, sub), { recursive: true });
  // REGISTRY_AUTH_FILE must exist: podman push fails on a missing one.
  writeFileSync(join(dir, 'auth.json'), '{"auths":{}}\n');
  writeFileSync(join(dir, 'storage.conf'), `[storage]\ndriver = "${driver}"\ngraphroot = "${join(dir, 'graph')}"\nrunroot = "${join(dir, 'run')}"\n`);
  writeFileSync(join(dir, 'registries.conf'), [
    'unqualified-search-registries = []',
    ...insecureRegistries.flatMap((location) => ['', '[[registry]]', `location = "${location}"`, 'insecure = true']),
    '',
  ].join('\n'));
  // The libpod database (static_dir) records its storage; each podman
  // instance needs its own or it silently uses the other's storage.
  writeFileSync(join(dir, 'containers.conf'), [
    '[containers]',
    // crun fails on this kind of host (cgroup v1 hybrid, rlimits); runc with these limits works.
    'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
    'netns = "none"',
    '',
    '[engine]',
    'runtime = "runc"',
    'cgroup_manager = "cgroupfs"',
    'lock_type = "file"',
    `tmp_dir = "${join(dir, 'tmp')}"`,
    `static_dir = "${join(dir, 'graph', 'libpod')}"`,
    `volume_path = "${join(dir, 'graph', 'volumes')}"`,
    `image_copy_tmp_dir = "${join(dir, 'tmpfiles')}"`,
    'events_logger = "file"',
    `events_logfile_path = "${join(dir, 'events.log')}"`,
    '',
    '[network]',
    `network_config_dir = "${join(dir, 'networks')}"`,
    '',
  ].join('\n'));
}

/** @param {string} dir @param {NodeJS.ProcessEnv} env @returns {NodeJS.ProcessEnv} */
function podmanEnv(dir, env) {
  return { ...env, ...podmanConfigEnv(dir) };
}

/** @param {string} dir */
function podmanConfigEnv(dir) {
  return {
    CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
    CONTAINERS_REGISTRIES_CONF: join(dir, 'registries.conf'),
    CONTAINERS_CONF: join(dir, 'containers.conf'),
    REGISTRY_AUTH_FILE: join(dir, 'auth.json'),
    TMPDIR: join(dir, 'tmpfiles'),
  };
}

/**
 * @param {ReturnType<typeof createSupervisor>} supervisor @param {ReturnType<typeof makeDirs>} dirs @param {NodeJS.ProcessEnv} env @param {string} storageDriver
 * @returns {Promise<import('./engines.d.mts').EngineInfo>}
 */
async function startPodman(supervisor, dirs, env, storageDriver) {
  const socketPath = join(dirs.podman, 'podman.sock');
  const socket = `unix://${socketPath}`;
  // runc keeps container state in /run/runc unless told otherwise.
  const runcRoot = join(dirs.podman, 'runc');
  const daemon = supervisor.startDaemon('podman', 'podman', ['--runtime-flag', `root=${runcRoot}`, 'system', 'service', '--time=0', socket], podmanEnv(dirs.podman, env));
  await waitReady(daemon, () => ping(socket));
  const version = await engineVersion(socket);
  return {
    name: 'podman', socket, socketPath, ...version, storageDriver, pid: daemon.pid, logFile: daemon.logFile,
    cli: 'podman', cliArgs: ['--url', socket], cliEnv: podmanConfigEnv(dirs.podman),
  };
}

/**
 * dockerd on its unix socket and, with `--tlsverify`, on a TCP port of
 * 127.0.0.1 that takes only clients with a certificate from the test CA.
 * @param {ReturnType<typeof createSupervisor>} supervisor @param {ReturnType<typeof makeDirs>} dirs @param {NodeJS.ProcessEnv} env
 * @param {{ port: number, certs: import('./tls-certs.d.mts').TlsCerts }} tls
 * @returns {Promise<import('./engines.d.mts').EngineInfo>}
 */
async function startDocker(supervisor, dirs, env, tls) {
  const socketPath = join(dirs.docker, 'docker.sock');
  const socket = `unix://${socketPath}`;
  clearStaleContainerdPid(containerdPidFile(dirs));
  const daemonJson = join(dirs.docker, 'daemon.json');
  // Without this, dockerd 20.10 writes its trust key to /etc/docker/key.json.
  writeFileSync(daemonJson, JSON.stringify({ 'deprecated-key-path': join(dirs.docker, 'key.json') }));
  mkdirSync(join(dirs.docker, 'cli'), { recursive: true });
  const daemon = supervisor.startDaemon('dockerd', 'dockerd', [
    '--config-file', daemonJson,
    '--iptables=false', '--ip6tables=false', '--bridge=none',
    '--storage-driver=overlay2', '--max-download-attempts=1',
    '--data-root', join(dirs.docker, 'root'),
    '--exec-root', join(dirs.docker, 'exec'),
    '--pidfile', join(dirs.docker, 'dockerd.pid'),
    '--tlsverify', '--tlscacert', tls.certs.ca, '--tlscert', tls.certs.serverCert, '--tlskey', tls.certs.serverKey,
    '-H', socket, '-H', `tcp://${HOST}:${tls.port}`,
  ], env);
  await waitReady(daemon, () => ping(socket));
  const version = await engineVersion(socket);
  return {
    name: 'docker', socket, socketPath, ...version, storageDriver: 'overlay2', pid: daemon.pid, logFile: daemon.logFile,
    cli: 'docker', cliArgs: ['-H', socket], cliEnv: { DOCKER_CONFIG: join(dirs.docker, 'cli'), DOCKER_CLI_HINTS: 'false' },
    tls: { address: `tcp://${HOST}:${tls.port}`, ...tls.certs },
  };
}

/** @param {ReturnType<typeof makeDirs>} dirs */
function containerdPidFile(dirs) {
  return join(dirs.docker, 'exec', 'containerd', 'containerd.pid');
}

/** @param {string} file @returns {number | null} */
function readPidFile(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    // ENOENT: no such pid file.
    return null;
  }
}

/** A process's state letter from /proc (`S`, `R`, `Z`, …), or `gone`. @param {number} pid */
function processState(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    // ENOENT: no such process.
    return 'gone';
  }
}

/**
 * dockerd adopts the containerd its pid file names when that process exists.
 * A dockerd killed with SIGKILL takes its containerd along (parent-death
 * signal), but the pid file stays, and here (no systemd) PID 1 reaps the
 * dead containerd only after a second or two: until then it is a zombie,
 * which looks alive, and a dockerd started again waits for it in vain
 * ("timeout waiting for containerd to start"). A pid file whose process is
 * gone or a zombie is stale: removed, so dockerd starts a new containerd.
 * @param {string} pidFile
 */
function clearStaleContainerdPid(pidFile) {
  const pid = readPidFile(pidFile);
  if (pid === null || ['gone', 'Z'].includes(processState(pid))) rmSync(pidFile, { force: true });
}

/** @param {string} socket */
async function ping(socket) {
  const res = await engineRequest({ socket, path: '/_ping', timeoutMs: 1_000 });
  return res.status === 200 && res.text === 'OK';
}

/** @param {string} socket @returns {Promise<{ version: string, apiVersion: string }>} */
async function engineVersion(socket) {
  const res = await engineRequest({ socket, path: '/version' });
  if (res.status !== 200) throw new Error(`engine env: GET /version on ${socket}: HTTP ${res.status}`);
  const body = res.json();
  return { version: String(body.Version), apiVersion: String(body.ApiVersion) };
}

/**
 * Polls `probe` until it answers true; fails early when the daemon exits.
 * @param {import('./supervisor.d.mts').Daemon} daemon @param {() => Promise<boolean>} probe
 */
async function waitReady(daemon, probe, timeoutMs = READY_TIMEOUT_MS) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (daemon.exited) {
      const { code, signal, error } = await daemon.exit;
      throw new Error(`engine env: ${daemon.name} exited (${error?.message ?? signal ?? `code ${code}`}) before it was ready; ${daemon.logFile}:\n${daemon.logTail()}`);
    }
    try {
      if (await probe()) return;
    } catch {
      // Not listening yet (ENOENT/ECONNREFUSED): poll again.
    }
    await sleep(READY_POLL_MS);
  }
  throw new Error(`engine env: ${daemon.name} not ready within ${timeoutMs} ms; ${daemon.logFile}:\n${daemon.logTail()}`);
}

/**
 * Force-removes every container, so that no container process outlives its engine.
 * @param {import('./engines.d.mts').EngineInfo} engine @param {(line: string) => void} log
 */
async function removeAllContainers(engine, log) {
  try {
    const list = await engineRequest({ socket: engine.socket, path: '/containers/json?all=1', timeoutMs: CONTAINER_CLEANUP_TIMEOUT_MS });
    if (list.status !== 200) throw new Error(`GET /containers/json: HTTP ${list.status}`);
    const ids = /** @type {Array<{ Id: string }>} */ (list.json()).map((c) => c.Id);
    const request = (/** @type {string} */ method, /** @type {string} */ path) => engineRequest({ socket: engine.socket, method, path, timeoutMs: CONTAINER_CLEANUP_TIMEOUT_MS });
    await Promise.all(ids.map(async (id) => {
      // A forced DELETE stops with the stop timeout (10 s on podman); SIGKILL first.
      // 409/500 for a container that is not running is expected and ignored.
      await request('POST', `/containers/${id}/kill?signal=KILL`);
      await request('DELETE', `/containers/${id}?force=1&v=1`);
    }));
    if (ids.length > 0) log(`${engine.name}: removed ${ids.length} container(s)`);
  } catch (err) {
    // The engine may already be gone; leftover processes are reaped by PID afterwards.
    log(`${engine.name}: could not remove containers: ${err instanceof Error ? err.message : err}`);
  }
}

/**
 * Stops the environment when the parent exits or gets SIGINT/SIGTERM. Both
 * take the synchronous path (SIGKILL by PID, unmount, remove): a signalled
 * parent may be killed soon after (vitest SIGKILLs a fork 500 ms after its
 * SIGTERM), too soon for a graceful stop.
 * @param {() => void} stopSync
 * @returns {() => void} removes the hooks
 */
function installExitHooks(stopSync) {
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    try {
      stopSync();
    } catch (err) {
      process.stderr.write(`engine env: cleanup on exit: ${err instanceof Error ? err.message : err}\n`);
    }
  };
  const onSignal = (/** @type {NodeJS.Signals} */ sig) => {
    once();
    remove();
    // Re-raise so the default action (exit) happens when nobody else handles the signal.
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  const remove = () => {
    process.off('exit', once);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.once('exit', once);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return remove;
}

/** A free TCP port on 127.0.0.1 (there is a small window before it is used). @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {string} cmd */
function onPath(cmd) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => {
    try {
      accessSync(join(dir, cmd), constants.X_OK);
      return true;
    } catch {
      // Not in this PATH entry.
      return false;
    }
  });
}

/** The parent's environment without variables that would redirect engines. */
function cleanEnv() {
  const env = { ...process.env };
  for (const name of STRIPPED_ENV) delete env[name];
  return env;
}
