/**
 * Where an engine listens and how it is reached: `unix:///run/podman/podman.sock`,
 * `tcp://10.0.0.12:2376` (plain HTTP, or TLS with client certificates) or
 * `ssh://deploy@gpu3` (the system's ssh running `docker system dial-stdio`).
 * Pure: addresses are checked here, so one that can never work stops the
 * server at start with one line; files are read by the runtimes.
 */

/** PEM text of the files that secure a tcp:// engine. */
export interface TlsMaterial {
  ca: string;
  /** The client certificate and its key: both or neither (an engine without --tlsverify asks for none). */
  cert: string | null;
  key: string | null;
  /** Where the files came from, for messages (a directory, a context, the slots file). */
  source: string;
}

export type EngineEndpoint =
  | { kind: 'unix'; path: string; display: string }
  | { kind: 'tcp'; host: string; port: number; display: string; tls: TlsMaterial | null }
  | {
      kind: 'ssh';
      user: string | null;
      host: string;
      port: number | null;
      /** The engine's socket on the remote host (podman's `ssh://host/run/podman/podman.sock`), or null for the remote CLI's default. */
      socketPath: string | null;
      display: string;
      /** An ssh_config file passed as `ssh -F`, or null for the user's own. */
      sshConfig: string | null;
    };

/** File paths of a tcp:// engine's TLS material (CA, client certificate, its key). */
export interface TlsPaths {
  ca: string;
  cert: string | null;
  key: string | null;
}

/** An engine as configured: an address with what secures it, or a docker context's name. */
export type EngineSpec = { address: string; tls: TlsPaths | null; sshConfig: string | null } | { context: string };

/** Sockets tried, in order, when no flag or variable names an engine. */
export const DEFAULT_SOCKETS = ['/var/run/docker.sock', '/run/podman/podman.sock'] as const;

const ADVICE = 'write unix:///path/to/engine.sock, tcp://host:port or ssh://[user@]host[:port]';
/** How much of a refused address a message quotes. */
const QUOTED_CHARS = 100;
const HOST = String.raw`(?<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)`;
const TCP_PATTERN = new RegExp(String.raw`^${HOST}:(?<port>\d{1,5})/?$`);
const SSH_PATTERN = new RegExp(String.raw`^(?:(?<user>[A-Za-z0-9._][A-Za-z0-9._-]*)@)?${HOST}(?::(?<port>\d{1,5}))?(?<path>/[A-Za-z0-9._/-]*)?$`);
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Parses an address (`--engine`, DOCKER_HOST, a slots-file engine); throws one line that says what to write. */
export function parseEngineEndpoint(text: string): EngineEndpoint {
  const address = text.trim();
  const refuse = (why: string): never => {
    throw new TypeError(`engine address ${quote(address)} ${why}`);
  };
  if (CONTROL.test(address)) refuse('contains a line break or another control character; write it on one line');
  const scheme = /^([a-z]+):\/\/(.*)$/.exec(address);
  if (scheme === null) return refuse(`is not understood; ${ADVICE}`);
  const [, kind, rest] = scheme as unknown as [string, string, string];
  if (kind === 'unix') {
    if (!rest.startsWith('/') || rest.length < 2) refuse('must name an absolute socket path, like unix:///run/podman/podman.sock');
    return { kind: 'unix', path: rest, display: address };
  }
  if (kind === 'tcp' || kind === 'http') {
    if (rest.includes('@')) refuse(credentialsAdvice('tcp'));
    const match = TCP_PATTERN.exec(rest);
    if (match === null) return refuse(`is not understood; write tcp://host:port (the port is required), e.g. tcp://10.0.0.12:2376`);
    const port = portNumber(match.groups?.port, refuse) as number;
    return { kind: 'tcp', host: match.groups?.host as string, port, display: `tcp://${match.groups?.host}:${port}`, tls: null };
  }
  if (kind === 'ssh') {
    const userinfo = /^([^@/]*)@/.exec(rest)?.[1];
    if (userinfo?.includes(':') === true) refuse(credentialsAdvice('ssh'));
    const match = SSH_PATTERN.exec(rest);
    if (match === null) return refuse('is not understood; write ssh://[user@]host[:port][/path/to/engine.sock]');
    const groups = match.groups as Record<string, string | undefined>;
    const port = groups.port === undefined ? null : portNumber(groups.port, refuse);
    const socketPath = groups.path === undefined || groups.path === '/' ? null : groups.path;
    return { kind: 'ssh', user: groups.user ?? null, host: groups.host as string, port, socketPath, display: address, sshConfig: null };
  }
  if (kind === 'https') return refuse('is not understood; write tcp://host:port and give the engine\'s TLS files (see README, "Remote engines")');
  return refuse(`has the unknown scheme "${kind}"; ${ADVICE}`);
}

/** One line on why an address must not carry credentials, and where they belong; the address is quoted without them. */
function credentialsAdvice(kind: 'tcp' | 'ssh'): string {
  const where =
    kind === 'tcp'
      ? 'the Docker API takes no user or password: secure it with TLS client certificates (the slots file\'s "tls", or DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or reach it over ssh://'
      : 'ssh:// takes a user but no password: use a key (ssh-agent, or IdentityFile in your ssh config)';
  return `carries credentials; ${where}; registry credentials go in --docker-config`;
}

function portNumber(text: string | undefined, refuse: (why: string) => never): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) refuse(`has port ${text}; a port is 1–65535`);
  return port;
}

/** The address for a message: never a password or token, never a control character, at most {@link QUOTED_CHARS} characters. */
function quote(address: string): string {
  // An ssh user name is no secret; anything else before an "@" may be.
  const withoutCredentials = address.replace(/^([a-z]+:\/\/)([^@/]*)@/, (whole, scheme: string, userinfo: string) =>
    scheme === 'ssh://' && !userinfo.includes(':') ? whole : `${scheme}…@`,
  );
  const clipped = withoutCredentials.length > QUOTED_CHARS ? `${withoutCredentials.slice(0, QUOTED_CHARS)}…` : withoutCredentials;
  return JSON.stringify(clipped);
}

/** The address for a log line, saying when it is secured by TLS. */
export function describeEndpoint(endpoint: EngineEndpoint): string {
  return endpoint.kind === 'tcp' && endpoint.tls !== null ? `${endpoint.display} over TLS` : endpoint.display;
}

/** Whether a host name or address is this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Plain HTTP to another machine: anyone who reaches that port controls the engine. */
export function isPlainRemote(endpoint: EngineEndpoint): boolean {
  return endpoint.kind === 'tcp' && endpoint.tls === null && !isLoopbackHost(endpoint.host);
}

/** A spec's own consistency: TLS files only for tcp://, an ssh config only for ssh://; null when fine. */
export function engineSpecProblem(spec: EngineSpec): string | null {
  if ('context' in spec) return spec.context.trim() === '' || CONTROL.test(spec.context) ? 'a context name is one line of text' : null;
  let endpoint: EngineEndpoint;
  try {
    endpoint = parseEngineEndpoint(spec.address);
  } catch (error) {
    return (error as Error).message;
  }
  if (spec.tls !== null && endpoint.kind !== 'tcp') return `"tls" is for tcp:// engines; ${endpoint.display} is ${endpoint.kind}://`;
  if (spec.tls !== null && (spec.tls.cert === null) !== (spec.tls.key === null)) return '"tls" needs "cert" and "key" together (or neither, for an engine that asks for no client certificate)';
  if (spec.sshConfig !== null && endpoint.kind !== 'ssh') return `"ssh_config" is for ssh:// engines; ${endpoint.display} is ${endpoint.kind}://`;
  return null;
}

/** Where the server's own engine comes from: a flag, a variable, or a default socket. */
export interface EngineCandidate {
  spec: EngineSpec;
  /** `--engine`, `DOCKER_HOST`, `--engine-context`, …, or `default` for the usual sockets. */
  origin: string;
}

export interface EngineFlags {
  /** --engine ADDR */
  engine?: string | undefined;
  /** --engine-context NAME */
  context?: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The engines to try for `--runtime auto|engine`, as the docker CLI picks
 * them: --engine, --engine-context, DOCKER_HOST (with DOCKER_TLS_VERIFY and
 * DOCKER_CERT_PATH), DOCKER_CONTEXT, CONTAINER_HOST; else the usual sockets.
 * Throws one line when the variables ask for something that cannot work.
 */
export function engineCandidates(flags: EngineFlags, env: Env): EngineCandidate[] {
  if (flags.engine !== undefined) return [{ spec: addressSpec(flags.engine, env), origin: '--engine' }];
  if (flags.context !== undefined && flags.context !== 'default') return [{ spec: { context: flags.context }, origin: '--engine-context' }];
  const dockerHost = nonEmpty(env.DOCKER_HOST);
  if (dockerHost !== undefined) return [{ spec: addressSpec(dockerHost, env), origin: 'DOCKER_HOST' }];
  const dockerContext = flags.context === 'default' ? undefined : nonEmpty(env.DOCKER_CONTEXT);
  if (dockerContext !== undefined && dockerContext !== 'default') return [{ spec: { context: dockerContext }, origin: 'DOCKER_CONTEXT' }];
  const containerHost = nonEmpty(env.CONTAINER_HOST);
  if (containerHost !== undefined) return [{ spec: { address: containerHost, tls: null, sshConfig: null }, origin: 'CONTAINER_HOST' }];
  const userSocket = env.XDG_RUNTIME_DIR === undefined ? [] : [`${env.XDG_RUNTIME_DIR}/podman/podman.sock`];
  return [...DEFAULT_SOCKETS, ...userSocket].map((path) => ({ spec: { address: `unix://${path}`, tls: null, sshConfig: null }, origin: 'default' }));
}

/** An address from the command line or DOCKER_HOST, with the docker CLI's TLS variables applied to tcp://. */
function addressSpec(address: string, env: Env): EngineSpec {
  const plain = { address, tls: null, sshConfig: null };
  if (!/^\s*(tcp|http):\/\//.test(address)) return plain;
  if (nonEmpty(env.DOCKER_TLS_VERIFY) === undefined) {
    if (nonEmpty(env.DOCKER_TLS) !== undefined) {
      throw new TypeError('DOCKER_TLS asks for TLS without checking the engine\'s certificate, which slotpull never does; set DOCKER_TLS_VERIFY=1 (and DOCKER_CERT_PATH) instead');
    }
    return plain;
  }
  // As the docker CLI: any non-empty DOCKER_TLS_VERIFY turns verification on; the files are in DOCKER_CERT_PATH, else the config dir.
  const dir = nonEmpty(env.DOCKER_CERT_PATH) ?? dockerConfigDir(env);
  if (dir === undefined) throw new TypeError('DOCKER_TLS_VERIFY is set, but neither DOCKER_CERT_PATH, DOCKER_CONFIG nor HOME says where ca.pem, cert.pem and key.pem are');
  const inDir = (name: string): string => `${dir.replace(/\/+$/, '')}/${name}`;
  return { address, tls: { ca: inDir('ca.pem'), cert: inDir('cert.pem'), key: inDir('key.pem') }, sshConfig: null };
}

/** The docker CLI's configuration directory: DOCKER_CONFIG, else ~/.docker; undefined when neither is known. */
export function dockerConfigDir(env: Env): string | undefined {
  const configured = nonEmpty(env.DOCKER_CONFIG);
  if (configured !== undefined) return configured;
  const home = nonEmpty(env.HOME);
  return home === undefined ? undefined : `${home.replace(/\/+$/, '')}/.docker`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
