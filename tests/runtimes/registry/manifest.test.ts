import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../server/runtimes/registry/manifest.ts';
import { MANIFEST_ACCEPT, MediaType, manifestKind } from '../../../server/runtimes/registry/media-types.ts';

const digest = (hex: string) => `sha256:${hex.repeat(64)}`;
const layer = (hex: string, size: number) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(hex), size });
const image = {
  schemaVersion: 2,
  mediaType: MediaType.ociManifest,
  config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest('c'), size: 1055 },
  layers: [layer('1', 3146609), layer('2', 5243939)],
};

describe('media types', () => {
  it('asks for indexes first, then both image manifest formats', () => {
    expect(MANIFEST_ACCEPT.split(', ')).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]);
  });

  it('names each kind, ignoring case and parameters', () => {
    expect(manifestKind('application/vnd.docker.distribution.manifest.list.v2+json')).toBe('index');
    expect(manifestKind('Application/VND.OCI.Image.Index.v1+json; charset=utf-8')).toBe('index');
    expect(manifestKind('application/vnd.docker.distribution.manifest.v2+json')).toBe('image');
    expect(manifestKind('application/vnd.docker.distribution.manifest.v1+prettyjws')).toBe('schema1');
    expect(manifestKind('application/vnd.oci.image.config.v1+json')).toBeNull();
  });
});

describe('parseManifest', () => {
  it('reads config and layers in manifest order, with their sizes', () => {
    expect(parseManifest(JSON.stringify(image), null)).toEqual({
      kind: 'image',
      mediaType: MediaType.ociManifest,
      config: image.config,
      layers: image.layers,
    });
  });

  it('takes the media type from Content-Type when the document has none, else from its shape', () => {
    const { mediaType: _, ...bare } = image;
    expect(parseManifest(JSON.stringify(bare), MediaType.dockerManifest)).toMatchObject({ kind: 'image', mediaType: MediaType.dockerManifest });
    const index = { schemaVersion: 2, manifests: [{ mediaType: MediaType.ociManifest, digest: digest('a'), size: 891, platform: { os: 'linux', architecture: 'amd64' } }] };
    expect(parseManifest(JSON.stringify(index), 'application/json; charset=utf-8')).toEqual({ kind: 'index', mediaType: 'application/json; charset=utf-8', manifests: index.manifests });
    expect(parseManifest(JSON.stringify(index), null)).toMatchObject({ kind: 'index' });
  });

  it('refuses what has no exact layer sizes, in words for the log', () => {
    expect(() => parseManifest('{"schemaVersion":1,"fsLayers":[]}', 'application/vnd.docker.distribution.manifest.v1+prettyjws')).toThrow(
      'is a Docker schema 1 manifest, which names no layer sizes',
    );
    expect(() => parseManifest('{"schemaVersion":1}', 'application/json')).toThrow('schema 1');
    expect(() => parseManifest('<html>', 'text/html')).toThrow('is not JSON');
    expect(() => parseManifest('[1]', null)).toThrow('is not a JSON object');
    expect(() => parseManifest(JSON.stringify({ ...image, mediaType: 'text/html\n' }), null)).toThrow('has an unknown media type "text/html"');
    expect(() => parseManifest(JSON.stringify({ ...image, layers: [{ ...layer('1', 1), size: -1 }] }), null)).toThrow(
      /^is not a valid image manifest \(layers\.0\.size: .+\)$/,
    );
    expect(() => parseManifest(JSON.stringify({ ...image, layers: [{ ...layer('1', 1), digest: 'md5:00' }] }), null)).toThrow(
      'layers.0.digest: must be sha256:<64 hex> or sha512:<128 hex>',
    );
    expect(() => parseManifest(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: {} }), null)).toThrow(
      'is not a valid index (manifests:',
    );
  });
});
