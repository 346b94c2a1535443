/**
 * Credentials for private registries from a docker `config.json`, as the
 * `X-Registry-Auth` header both engines expect (base64url of a JSON object).
 * Pure; the header never goes anywhere but the engine.
 */

interface DockerConfigEntry {
  auth?: unknown;
  username?: unknown;
  password?: unknown;
  identitytoken?: unknown;
}

/** Docker Hub's historical key in config.json. */
const DOCKER_HUB_KEYS = ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io'];

/** Returns the header for a registry host, or undefined when the file has none for it. */
export type RegistryAuth = (registry: string) => string | undefined;

export function registryAuthFromDockerConfig(config: unknown, source: string): RegistryAuth {
  const auths = (config as { auths?: unknown } | null)?.auths;
  if (auths === undefined) return () => undefined;
  if (auths === null || typeof auths !== 'object') throw new TypeError(`${source}: "auths" must be an object of registry → credentials`);
  const headers = new Map<string, string>();
  for (const [key, entry] of Object.entries(auths as Record<string, DockerConfigEntry>)) {
    const host = registryHost(key);
    const header = encodeEntry(entry, host, source);
    if (header !== undefined) headers.set(host, header);
  }
  return (registry) => headers.get(DOCKER_HUB_KEYS.includes(registry) ? 'docker.io' : registry);
}

/** `https://ghcr.io/v2/` and `ghcr.io` name one host. */
function registryHost(key: string): string {
  const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return DOCKER_HUB_KEYS.includes(host) || DOCKER_HUB_KEYS.includes(key) ? 'docker.io' : host;
}

function encodeEntry(entry: DockerConfigEntry, host: string, source: string): string | undefined {
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
    return base64Url(JSON.stringify({ identitytoken: entry.identitytoken, serveraddress: host }));
  }
  if (username === undefined || password === undefined) return undefined;
  return base64Url(JSON.stringify({ username, password, serveraddress: host }));
}

function decodeBase64(text: string): string {
  const binary = atob(text);
  return new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
}

/** URL-safe base64 with padding, as the engines' Go decoders read it. */
function base64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  return btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_');
}
