/**
 * Parses a manifest answer into an index (one entry per platform) or an image
 * manifest (config and layers, with the sizes the engine will download).
 * Pure; throws {@link ManifestProblem} with words for the log.
 */
import { z } from 'zod';
import { baseMediaType, manifestKind, type ManifestKind } from './media-types.ts';
import { ManifestProblem, quote } from './problem.ts';

/** `sha256:<64 hex>` or `sha512:<128 hex>`: the digests the engines verify. */
export const DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

const descriptorSchema = z.object({
  mediaType: z.string().default(''),
  digest: z.string().regex(DIGEST_PATTERN, 'must be sha256:<64 hex> or sha512:<128 hex>'),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

const platformSchema = z.object({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
});

const imageSchema = z.object({
  schemaVersion: z.literal(2),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
});

const indexSchema = z.object({
  schemaVersion: z.literal(2),
  manifests: z.array(descriptorSchema.extend({ platform: platformSchema.optional() })),
});

export type BlobDescriptor = z.infer<typeof descriptorSchema>;
export type Platform = z.infer<typeof platformSchema>;
export type IndexEntry = z.infer<typeof indexSchema>['manifests'][number];

export type ManifestDocument =
  | { kind: 'index'; mediaType: string; manifests: IndexEntry[] }
  | { kind: 'image'; mediaType: string; config: BlobDescriptor; layers: BlobDescriptor[] };

/** `contentType` is the answer's Content-Type, used when the document names no media type. */
export function parseManifest(text: string, contentType: string | null): ManifestDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ManifestProblem('is not JSON');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new ManifestProblem('is not a JSON object');
  const written = (json as { mediaType?: unknown }).mediaType;
  const mediaType = typeof written === 'string' ? written : (contentType ?? '');
  if (kindOf(mediaType, json) === 'index') {
    const parsed = indexSchema.safeParse(json);
    if (!parsed.success) throw invalid('index', parsed.error);
    return { kind: 'index', mediaType, manifests: parsed.data.manifests };
  }
  const parsed = imageSchema.safeParse(json);
  if (!parsed.success) throw invalid('image manifest', parsed.error);
  return { kind: 'image', mediaType, config: parsed.data.config, layers: parsed.data.layers };
}

function invalid(what: string, error: z.ZodError): ManifestProblem {
  const issue = error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.join('.')}: `;
  return new ManifestProblem(`is not a valid ${what} (${quote(`${where}${issue?.message ?? 'invalid'}`)})`);
}

/** OCI lets a document leave its media type out; then its shape decides, as the engines' readers do. */
function kindOf(mediaType: string, json: object): ManifestKind {
  const kind = manifestKind(mediaType);
  if (kind === 'schema1' || (json as { schemaVersion?: unknown }).schemaVersion === 1) throw new ManifestProblem('is a Docker schema 1 manifest, which names no layer sizes');
  if (kind !== null) return kind;
  const type = baseMediaType(mediaType);
  if (type !== '' && type !== 'application/json') throw new ManifestProblem(`has an unknown media type "${quote(mediaType)}"`);
  return 'manifests' in json ? 'index' : 'image';
}
