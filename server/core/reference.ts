/**
 * OCI image references: `[host[:port]/]path[:tag][@sha256:<64 hex>]`.
 * Parsing here means nothing unchecked ever reaches an engine or a CLI.
 */

export interface ImageReference {
  /** As written in the slots file. */
  readonly raw: string;
  /** Repository with its host as written, without tag or digest (`fromImage`). */
  readonly name: string;
  /** The tag; `latest` when neither tag nor digest was written. */
  readonly tag: string | null;
  readonly digest: string | null;
  /** What the engine is asked for: the digest when there is one, else the tag. */
  readonly pullTag: string;
  /** `name:tag` or `name@digest`: always explicit, for a CLI. */
  readonly explicit: string;
  /** Canonical form (`docker.io/library/…`), so `nginx` and `docker.io/library/nginx:latest` are one job. */
  readonly key: string;
  /** The registry host (`docker.io` when none is written), for credentials. */
  readonly registry: string;
}

export const MAX_REFERENCE_LENGTH = 512;
const DEFAULT_TAG = 'latest';
const DEFAULT_REGISTRY = 'docker.io';

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]{1,5})?`;
const REFERENCE = new RegExp(
  `^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::([\\w][\\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);

/** Why a reference was refused, in words a person can act on; null when it is fine. */
export function referenceProblem(raw: string): string | null {
  if (raw.length === 0) return 'is empty; write a reference like "ghcr.io/acme/server:1.0"';
  if (raw.length > MAX_REFERENCE_LENGTH) return `is longer than ${MAX_REFERENCE_LENGTH} characters`;
  if (raw.startsWith('-')) return 'must not start with "-"';
  if (!REFERENCE.test(raw)) {
    return 'is not an OCI reference [host[:port]/]path[:tag][@sha256:<64 hex>] (lower-case path, no spaces)';
  }
  return null;
}

/** Parses a reference; throws with {@link referenceProblem}'s words when it is bad. */
export function parseImageReference(raw: string): ImageReference {
  const problem = referenceProblem(raw);
  const match = problem === null ? REFERENCE.exec(raw) : null;
  if (match === null) throw new TypeError(`image "${raw}" ${problem ?? 'is invalid'}`);
  const [, written, path = '', writtenTag, digest = null] = match;
  // Docker's rule: the first component is a host only if it looks like one.
  const hasHost = written !== undefined && (/[.:]/.test(written) || written === 'localhost' || /[A-Z]/.test(written));
  const host = hasHost ? written : DEFAULT_REGISTRY;
  const repository = hasHost ? path : written === undefined ? path : `${written}/${path}`;
  const name = hasHost ? `${written}/${path}` : repository;
  const tag = writtenTag ?? (digest === null ? DEFAULT_TAG : null);
  const canonicalPath = host === DEFAULT_REGISTRY && !repository.includes('/') ? `library/${repository}` : repository;
  const suffix = digest === null ? `:${tag}` : `@${digest}`;
  return {
    raw,
    name,
    tag,
    digest,
    pullTag: digest ?? (tag as string),
    explicit: `${name}${suffix}`,
    key: `${host}/${canonicalPath}${suffix}`,
    registry: host,
  };
}
