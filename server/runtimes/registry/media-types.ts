/**
 * The manifest media types of the OCI image spec and Docker's registry v2,
 * and the Accept header that asks for any of them. Pure.
 */

export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Docker's schema 1 (signed or not): it carries no layer sizes, so it is named in order to be refused clearly. */
const SCHEMA1_TYPES = ['application/vnd.docker.distribution.manifest.v1+prettyjws', 'application/vnd.docker.distribution.manifest.v1+json'];

/**
 * Every type we read, indexes first: a registry that can answer an index
 * does, and the platform is then picked here as the engine picks it.
 */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.dockerManifestList, MediaType.ociManifest, MediaType.dockerManifest].join(', ');

export type ManifestKind = 'index' | 'image';

/** `Application/JSON; charset=utf-8` → `application/json`. */
export function baseMediaType(mediaType: string): string {
  return mediaType.split(';')[0]!.trim().toLowerCase();
}

/** Index or image manifest for a known media type (parameters ignored); `schema1` or null for the rest. */
export function manifestKind(mediaType: string): ManifestKind | 'schema1' | null {
  const type = baseMediaType(mediaType);
  if (type === MediaType.ociIndex || type === MediaType.dockerManifestList) return 'index';
  if (type === MediaType.ociManifest || type === MediaType.dockerManifest) return 'image';
  return SCHEMA1_TYPES.includes(type) ? 'schema1' : null;
}
