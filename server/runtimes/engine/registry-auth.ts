/**
 * Credentials for private registries from a docker `config.json`, parsed
 * once into one credential per registry host. Two uses derive from that
 * form: the `X-Registry-Auth` header both engines expect (base64url of a JSON
 * object) and the `Authorization` the manifest reader sends to a registry or
 * its token realm. Pure; secrets live in private fields, so a credential that
 * is logged or serialised shows its host and user name only.
 */

interface DockerConfigEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

/** Docker Hub's historical key in config.json. */
const DOCKER_HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** A login for one registry host: user and password, or an identity (refresh) token. */
export class RegistryCredential {
  readonly #password: string | undefined;
  readonly #identityToken: string | undefined;

  constructor(
    /** The host as the credentials file names it (`docker.io` for Docker Hub). */
    readonly registry: string,
    readonly username: string | undefined,
    secret: { password?: string; identityToken?: string },
  ) {
    this.#password = secret.password;
    this.#identityToken = secret.identityToken;
  }

  /** The OAuth2 refresh token `docker login` stores for some registries; preferred over the password. */
  get identityToken(): string | undefined {
    return this.#identityToken;
  }

  /** `Basic …` for a registry or its token realm; undefined without user and password. */
  basicAuthorization(): string | undefined {
    if (this.username === undefined || this.#password === undefined) return undefined;
    return `Basic ${base64(`${this.username}:${this.#password}`)}`;
  }

  /** The engine's `X-Registry-Auth`: base64url JSON, the identity token when there is one. */
  engineHeader(): string {
    const body =
      this.#identityToken !== undefined
        ? { identitytoken: this.#identityToken, serveraddress: this.registry }
        : { username: this.username, password: this.#password, serveraddress: this.registry };
    return base64(JSON.stringify(body)).replaceAll('+', '-').replaceAll('/', '_');
  }
}

/** The credential for a registry host (`ImageReference.registry`), or undefined when the file has none. */
export type RegistryCredentials = (registry: string) => RegistryCredential | undefined;

export function credentialsFromDockerConfig(config: unknown, source: string): RegistryCredentials {
  const auths = (config as { auths?: unknown } | null)?.auths;
  if (auths === undefined) return () => undefined;
  if (auths === null || typeof auths !== 'object') throw new TypeError(`${source}: "auths" must be an object of registry → credentials`);
  const credentials = new Map<string, RegistryCredential>();
  for (const [key, entry] of Object.entries(auths as Record<string, DockerConfigEntry>)) {
    const host = registryHost(key);
    const credential = parseEntry(entry, host, source);
    if (credential !== undefined) credentials.set(host, credential);
  }
  return (registry) => credentials.get(DOCKER_HUB_KEYS.includes(registry) ? 'docker.io' : registry);
}

/** `https://ghcr.io/v2/` and `ghcr.io` name one host. */
function registryHost(key: string): string {
  const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return DOCKER_HUB_KEYS.includes(host) || DOCKER_HUB_KEYS.includes(key) ? 'docker.io' : host;
}

function parseEntry(entry: DockerConfigEntry, host: string, source: string): RegistryCredential | undefined {
  let username = typeof entry.username === 'string' ? entry.username : undefined;
  let password = typeof entry.password === 'string' ? entry.password : undefined;
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = decodeBase64(entry.auth);
    const colon = decoded.indexOf(':');
    // Never quote the value: it is a secret.
    if (colon < 0) throw new TypeError(`${source}: the "auth" for ${host} is not base64 of user:password`);
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }
  if (typeof entry.identitytoken === 'string' && entry.identitytoken !== '') {
    return new RegistryCredential(host, username, { identityToken: entry.identitytoken });
  }
  if (username === undefined || password === undefined) return undefined;
  return new RegistryCredential(host, username, { password });
}

function decodeBase64(text: string): string {
  const binary = atob(text);
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}

/** Standard base64 (with padding) of the UTF-8 bytes of `text`. */
function base64(text: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}
