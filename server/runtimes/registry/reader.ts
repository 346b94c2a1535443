/**
 * Reads an image's manifest from its registry, beside the engine's pull, so
 * the layers and their exact sizes are known before the engine reports a
 * byte. The OCI distribution API (Docker Registry HTTP API v2): an index is
 * resolved to the engine's platform, then that manifest is read. Any failure
 * — unreachable, 4xx, a login missing, too slow, too large, not a manifest —
 * resolves `{ ok: false, reason }` for the log; it never throws into a pull.
 */
import type { ImageReference } from '../../core/reference.ts';
import type { RegistryCredentials } from '../engine/registry-auth.ts';
import { transportFailure } from './answer.ts';
import { registryLocation } from './location.ts';
import { parseManifest, type BlobDescriptor, type ManifestDocument, type Platform } from './manifest.ts';
import { hostPlatform, platformName, selectPlatformManifest } from './platform.ts';
import { ManifestProblem, quote } from './problem.ts';
import { RegistrySession } from './session.ts';

export interface ManifestReaderOptions {
  /** Logins per registry host, from --docker-config. Default: anonymous only. */
  credentials?: RegistryCredentials;
  /** The engine's platform, to pick from an index (its `/version` `Os` and `Arch`). Default: linux on this host's architecture. */
  platform?: Platform;
  /** `host[:port]` names and CIDRs that may be reached over plain HTTP, besides loopback (an engine's insecure registries). */
  insecureRegistries?: readonly string[];
  /** For the whole read: token, index and manifest. Default {@link DEFAULT_MANIFEST_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** A larger manifest is refused. Default {@link MAX_MANIFEST_BYTES}. */
  maxManifestBytes?: number;
}

export const DEFAULT_MANIFEST_TIMEOUT_MS = 5000;
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ImageLayers {
  /** `sha256:…` of the image manifest the engine pulls (the platform's, when the reference names an index). */
  readonly manifestDigest: string;
  /** `sha256:…` of the index when the reference names one (what dockerd prints as `Digest:`), else null. */
  readonly indexDigest: string | null;
  /** The platform picked from the index; null without an index. */
  readonly platform: Platform | null;
  /** The image manifest's media type. */
  readonly mediaType: string;
  /**
   * The config blob. Its digest is the image id; podman announces its
   * download like a layer's (`Pulling fs layer` with the same 12-hex short
   * id), so a progress count must leave it out of the layers.
   */
  readonly config: BlobDescriptor;
  /** In manifest order: what the engine fetches, less what it already has. */
  readonly layers: readonly BlobDescriptor[];
  /** Sum of the layer sizes (the config's not included). */
  readonly totalSize: number;
}

export type ManifestRead = { readonly ok: true; readonly image: ImageLayers } | { readonly ok: false; readonly reason: string };

/** Reads the layers of one image; resolves, never rejects. `signal` cancels (with the pull). */
export type ReadImageLayers = (image: ImageReference, signal?: AbortSignal) => Promise<ManifestRead>;

export function createManifestReader(options: ManifestReaderOptions = {}): ReadImageLayers {
  const timeoutMs = options.timeoutMs ?? DEFAULT_MANIFEST_TIMEOUT_MS;
  const maxManifestBytes = options.maxManifestBytes ?? MAX_MANIFEST_BYTES;
  if (!(timeoutMs > 0)) throw new TypeError(`'timeoutMs' must be a positive number of milliseconds (got ${timeoutMs})`);
  if (!(maxManifestBytes > 0)) throw new TypeError(`'maxManifestBytes' must be a positive number (got ${maxManifestBytes})`);
  const platform = options.platform ?? hostPlatform();
  const insecure = [...(options.insecureRegistries ?? [])];
  const credentials = options.credentials ?? (() => undefined);

  return async function readImageLayers(image, signal) {
    const location = registryLocation(image);
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new ManifestProblem(`reading from registry ${location.host} took longer than ${timeoutMs / 1000} s`)),
      timeoutMs,
    );
    const cancel = () => controller.abort(new ManifestProblem('cancelled with the pull'));
    if (signal?.aborted === true) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    const session = new RegistrySession(location, {
      credential: credentials(location.registry),
      insecure,
      signal: controller.signal,
      maxManifestBytes,
    });
    try {
      return { ok: true, image: await readLayers(session, image, platform) };
    } catch (error) {
      const problem: unknown = controller.signal.aborted ? controller.signal.reason : error;
      const words = problem instanceof ManifestProblem ? problem.message : `unexpected failure (${transportFailure(problem)})`;
      return { ok: false, reason: `manifest: ${words}` };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
  };
}

async function readLayers(session: RegistrySession, image: ImageReference, platform: Platform): Promise<ImageLayers> {
  const first = await readDocument(session, image.pullTag, image.digest);
  if (first.document.kind === 'image') return imageLayers(first.digest, first.document, null, null);
  const entry = selectPlatformManifest(first.document.manifests, platform);
  if (entry === null) {
    const offered = [...new Set(first.document.manifests.map((each) => (each.platform === undefined ? 'none' : platformName(each.platform))))];
    throw new ManifestProblem(`the index of ${image.explicit} has no image for ${platformName(platform)} (it has ${quote(offered.join(', '))})`);
  }
  const chosen = await readDocument(session, entry.digest, entry.digest);
  if (chosen.document.kind !== 'image') throw new ManifestProblem(`the index of ${image.explicit} names another index for ${platformName(platform)}`);
  return imageLayers(chosen.digest, chosen.document, first.digest, entry.platform ?? null);
}

function imageLayers(
  manifestDigest: string,
  document: Extract<ManifestDocument, { kind: 'image' }>,
  indexDigest: string | null,
  platform: Platform | null,
): ImageLayers {
  const totalSize = document.layers.reduce((sum, layer) => sum + layer.size, 0);
  return { manifestDigest, indexDigest, platform, mediaType: document.mediaType, config: document.config, layers: document.layers, totalSize };
}

/** One manifest, checked against the digest it was asked by (a registry must not swap it). */
async function readDocument(session: RegistrySession, reference: string, expected: string | null): Promise<{ digest: string; document: ManifestDocument }> {
  const { bytes, contentType } = await session.manifest(reference);
  const digest = await digestOf(bytes, expected?.startsWith('sha512:') === true ? 'SHA-512' : 'SHA-256');
  if (expected !== null && digest !== expected) throw new ManifestProblem(`the manifest served for ${expected} has the digest ${digest}`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ManifestProblem(`the manifest for ${reference} is not UTF-8`);
  }
  try {
    return { digest, document: parseManifest(text, contentType) };
  } catch (error) {
    if (error instanceof ManifestProblem) throw new ManifestProblem(`the manifest for ${reference} ${error.message}`);
    throw error;
  }
}

async function digestOf(bytes: Uint8Array<ArrayBuffer>, algorithm: 'SHA-256' | 'SHA-512'): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest(algorithm, bytes));
  return `${algorithm.replace('-', '').toLowerCase()}:${Array.from(hash, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}
