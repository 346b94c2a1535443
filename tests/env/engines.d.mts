import type { ThrottleProxy } from './throttle-proxy.d.mts';
import type { TlsCerts } from './tls-certs.d.mts';

/** The seeded images (all tagged `1`, repository `slotpull/<name>`). */
export type ImageName = 'tiny' | 'multi' | 'big' | 'base-a' | 'base-b' | 'busybox';
export type EngineName = 'podman' | 'docker';

export const IMAGE_NAMES: ImageName[];
/** `podman docker.io docker-registry busybox-static`: what the environment needs (Debian 12). */
export const REQUIRED_PACKAGES: string;

export interface EngineEnvOptions {
  /** Initial proxy rate in bytes/s per response body (0 = unthrottled). Default 4 MB/s. */
  rate?: number;
  /** Engines to start. Default both. */
  engines?: EngineName[];
  /** Images to seed. Default all. */
  images?: ImageName[];
  /** Where the temp dir is made. Default os.tmpdir(); keep it short (unix socket paths ≤ 107 bytes). */
  tmpRoot?: string;
  /** A statically linked busybox. Default /bin/busybox (Debian busybox-static). */
  busybox?: string;
  /** Progress lines; default: stderr when SLOTPULL_ENV_DEBUG is set, else nothing. */
  log?: (line: string) => void;
}

export interface Layer {
  /** `sha256:…` of the compressed blob, as in the manifest. */
  digest: string;
  /** Compressed blob size in bytes, as in the manifest (what a pull downloads). */
  size: number;
}

export interface SeededImage {
  name: ImageName;
  /** `slotpull/<name>` */
  repository: string;
  /** `1` */
  tag: string;
  /** Through the registry directly: `127.0.0.1:<registry port>/slotpull/<name>:1`. */
  ref: string;
  /** Through the throttling proxy: `127.0.0.1:<proxy port>/slotpull/<name>:1`. */
  proxyRef: string;
  /** `sha256:…` of the manifest (what `@digest` references name). */
  manifestDigest: string;
  /** The manifest's media type (podman pushes OCI: `application/vnd.oci.image.manifest.v1+json`). */
  mediaType: string;
  /** The config digest, i.e. the image id both engines report (`sha256:…`). */
  id: string;
  layers: Layer[];
  /** Sum of the layer sizes. */
  totalSize: number;
}

export interface EngineInfo {
  name: EngineName;
  /** `unix:///…/podman.sock` or `unix:///…/docker.sock`. */
  socket: string;
  socketPath: string;
  /** `/version` → `Version`, e.g. `4.3.1` or `20.10.24+dfsg1`. */
  version: string;
  /** `/version` → `ApiVersion` (compat API), e.g. `1.41`. */
  apiVersion: string;
  /** `overlay`, `vfs` (podman fallback) or `overlay2` (dockerd). */
  storageDriver: string;
  pid: number;
  /** The daemon's stdout and stderr. */
  logFile: string;
  /** The CLI binary and the arguments that point it at this engine. */
  cli: string;
  cliArgs: string[];
  /** Extra environment for the CLI (own storage/config for podman, own DOCKER_CONFIG for docker). */
  cliEnv: Record<string, string>;
  /** dockerd only: its `--tlsverify` listener and the certificates made for it. */
  tls?: DockerTlsInfo;
}

export interface DockerTlsInfo extends TlsCerts {
  /** `tcp://127.0.0.1:<port>`: TLS, client certificates from `ca` required. */
  address: string;
}

/** Everything about the environment that survives JSON (what vitest `provide()` passes to tests). */
export interface EngineEnvInfo {
  tmpDir: string;
  /** `127.0.0.1:<port>` of docker-registry. */
  registry: string;
  proxy: {
    host: string;
    port: number;
    /** `127.0.0.1:<port>`: use as the registry part of references to pull through the proxy. */
    address: string;
    /** Control endpoints, see proxy-client.ts. */
    controlUrl: string;
  };
  podman?: EngineInfo;
  docker?: EngineInfo;
  images: Partial<Record<ImageName, SeededImage>>;
  /** Milliseconds per start step (`registry`, `proxy`, `storage-probe`, `podman`, `docker`, `images`) and `total`. */
  timings: Record<string, number>;
}

export interface RunOptions {
  /** Resolve with a non-zero exit code instead of rejecting. */
  allowFailure?: boolean;
  /** Kill the CLI after this many ms (default 120 s). */
  timeoutMs?: number;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StopDaemonOptions {
  /**
   * `SIGTERM` (default): a clean stop (the supervisor's SIGKILL follows after
   * its grace); `SIGKILL`: at once, as `kill -9` or a crash. Resolves once the
   * process has exited. A SIGKILLed dockerd takes its containerd along
   * (parent-death signal); startEngine starts a new one.
   */
  signal?: 'SIGTERM' | 'SIGKILL';
}

export interface EngineEnv extends Omit<EngineEnvInfo, 'proxy'> {
  /** The in-process proxy with its controls. */
  proxy: ThrottleProxy;
  /** The serializable part, for `provide()`. */
  info: EngineEnvInfo;
  /**
   * Runs `docker -H unix://…` or `podman --url unix://…` with `args`. Rejects
   * on a non-zero exit (with stderr) unless `allowFailure`.
   * The engines have no network: pass `--network none` to docker run/create.
   */
  run(engine: EngineName, args: string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Stops one engine's daemon by PID (the engine going away mid-pull). Its
   * socket path, storage and config stay, for startEngine. A no-op when it
   * is already stopped.
   */
  stopEngine(name: EngineName, options?: StopDaemonOptions): Promise<void>;
  /**
   * Starts a stopped engine again on the same socket path, storage and
   * config, and resolves once it answers `/_ping`. Updates `pid` (and the
   * rest) of `env[name]` and `env.info[name]` in place and returns that object.
   * Rejects when the engine is still running.
   */
  startEngine(name: EngineName): Promise<EngineInfo>;
  /** Stops the docker-registry process by PID (the registry dying); its port and storage stay. */
  stopRegistry(options?: StopDaemonOptions): Promise<void>;
  /** Starts the registry again on the same port and storage; rejects when it is running. */
  startRegistry(): Promise<void>;
  /**
   * Removes every container, stops every process by PID (SIGTERM, then
   * SIGKILL), unmounts what is left under the temp dir and removes it.
   * Idempotent; rejects when a mount cannot be removed.
   */
  stop(): Promise<void>;
}

/** Starts registry, proxy, podman service and dockerd, and seeds the images. */
export function startEngineEnv(options?: EngineEnvOptions): Promise<EngineEnv>;

/** The CLI helper of EngineEnv.run, usable with the serialized info (in a vitest worker). */
export function runEngineCli(info: EngineEnvInfo, engine: EngineName, args: string[], options?: RunOptions): Promise<RunResult>;

/** A free TCP port on 127.0.0.1 (there is a small window before it is used). */
export function freePort(): Promise<number>;
