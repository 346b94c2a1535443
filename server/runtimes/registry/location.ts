/**
 * Where a reference's manifest lives and how to reach it: Docker Hub's names
 * (`nginx` is `library/nginx` on `registry-1.docker.io`), and which hosts may
 * be spoken to over plain HTTP — those an engine treats as insecure by default
 * (loopback) or is told to (its insecure registries). Pure.
 */
import type { ImageReference } from '../../core/reference.ts';

export interface RegistryLocation {
  /** The host credentials are filed under: `ImageReference.registry`, `docker.io` for Docker Hub. */
  readonly registry: string;
  /** Where requests go: `registry-1.docker.io` for Docker Hub, else the host as written. */
  readonly host: string;
  /** The repository in the registry's API: `library/nginx`, `acme/server`. */
  readonly repository: string;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_HOSTS = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

export function registryLocation(image: ImageReference): RegistryLocation {
  const written = image.name.startsWith(`${image.registry}/`);
  const path = written ? image.name.slice(image.registry.length + 1) : image.name;
  if (!DOCKER_HUB_HOSTS.has(image.registry.toLowerCase())) return { registry: image.registry, host: image.registry, repository: path };
  return { registry: DOCKER_HUB, host: DOCKER_HUB_API_HOST, repository: path.includes('/') ? path : `library/${path}` };
}

export type Scheme = 'https' | 'http';

/**
 * HTTPS first; then plain HTTP for a host an engine would also reach that way
 * (dockerd and podman try both, in this order, for an insecure registry).
 * `insecure` holds `host[:port]` names and CIDRs, as an engine's `/info` or
 * registries.conf lists them.
 */
export function schemesFor(host: string, insecure: readonly string[]): Scheme[] {
  return allowsPlainHttp(host, insecure) ? ['https', 'http'] : ['https'];
}

export function allowsPlainHttp(host: string, insecure: readonly string[]): boolean {
  const hostname = hostnameOf(host).toLowerCase();
  const address = ipAddress(hostname);
  if (hostname === 'localhost' || (address !== null && isLoopback(address))) return true;
  return insecure.some((entry) => {
    const name = entry.replace(/^[a-z]+:\/\//i, '').toLowerCase();
    const cidr = parseCidr(name);
    if (cidr !== null) return address !== null && inCidr(address, cidr);
    const base = name.replace(/\/.*$/, '');
    // An entry without a port names the host on any port.
    return base === host.toLowerCase() || base === hostname || `[${base}]` === hostname;
  });
}

/** `127.0.0.1:5000` → `127.0.0.1`, `[::1]:5000` → `::1`. */
function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/**
 * The insecure registries an engine's Docker-compatible `GET /info` lists:
 * `RegistryConfig.InsecureRegistryCIDRs` and the `IndexConfigs` that are not
 * `Secure`. dockerd and podman both answer it (podman from registries.conf).
 */
export function insecureRegistriesFromEngineInfo(info: unknown): string[] {
  const config = (info as { RegistryConfig?: { InsecureRegistryCIDRs?: unknown; IndexConfigs?: unknown } } | null)?.RegistryConfig;
  const cidrs = Array.isArray(config?.InsecureRegistryCIDRs) ? config.InsecureRegistryCIDRs.filter((cidr) => typeof cidr === 'string') : [];
  const indexes = config?.IndexConfigs !== null && typeof config?.IndexConfigs === 'object' ? Object.values(config.IndexConfigs) : [];
  const names = indexes.flatMap((index: { Name?: unknown; Secure?: unknown } | null) =>
    index?.Secure === false && typeof index.Name === 'string' ? [index.Name] : [],
  );
  return [...cidrs, ...names];
}

interface Address {
  readonly bits: 32 | 128;
  readonly value: bigint;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV4_LOOPBACK = parseCidr('127.0.0.0/8')!;
const IPV6_LOOPBACK = parseCidr('::1/128')!;

function isLoopback(address: Address): boolean {
  return inCidr(address, IPV4_LOOPBACK) || inCidr(address, IPV6_LOOPBACK);
}

function parseCidr(text: string): { address: Address; prefix: number } | null {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const address = match === null ? null : ipAddress(match[1]!);
  const prefix = Number(match?.[2]);
  return address === null || prefix > address.bits ? null : { address, prefix };
}

function inCidr(address: Address, cidr: { address: Address; prefix: number }): boolean {
  if (address.bits !== cidr.address.bits) return false;
  const shift = BigInt(address.bits - cidr.prefix);
  return address.value >> shift === cidr.address.value >> shift;
}

/** An IPv4 or IPv6 literal (no zone, no embedded IPv4), else null. */
function ipAddress(text: string): Address | null {
  const v4 = IPV4.exec(text);
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((octet) => octet > 255)) return null;
    return { bits: 32, value: octets.reduce((sum, octet) => (sum << 8n) | BigInt(octet), 0n) };
  }
  const halves = text.split('::');
  if (halves.length > 2 || !/^[0-9a-f:]+$/i.test(text)) return null;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  const missing = 8 - groups.flat().length;
  if (groups.flat().some((group) => !/^[0-9a-f]{1,4}$/i.test(group)) || (halves.length === 1 ? missing !== 0 : missing < 1)) return null;
  const all = halves.length === 1 ? groups[0]! : [...groups[0]!, ...Array<string>(missing).fill('0'), ...groups[1]!];
  return { bits: 128, value: all.reduce((sum, group) => (sum << 16n) | BigInt(parseInt(group, 16)), 0n) };
}
