/**
 * The ids the engine gave the pulled image. Engines name the image with ids
 * shaped like layer ids (podman's closing lines, dockerd's 12-hex short ids),
 * so a "layer" whose id matches one of these is the image, not a layer.
 */

/** Shortest id compared by prefix against the image id (Docker's short ids). */
export const MIN_PREFIX_ID_LENGTH = 12;

/** The id without surrounding space and without a `sha256:` prefix. */
export function normalizeImageId(id: string): string {
  return id.trim().replace(/^sha256:/, '');
}

/** Same id, or one is a (Docker short-id) prefix of the other; both normalized. */
export function sameImage(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  return short.length >= MIN_PREFIX_ID_LENGTH && long.startsWith(short);
}

export class ImageIds {
  readonly #ids: string[] = [];

  /** Notes an id of the image; false when it is blank. */
  add(rawId: string): boolean {
    const id = normalizeImageId(rawId);
    if (id === '') return false;
    if (!this.#ids.includes(id)) this.#ids.push(id);
    return true;
  }

  /** Whether `rawId` names the image (by one of its ids, or a prefix of one). */
  matches(rawId: string): boolean {
    const id = normalizeImageId(rawId);
    return this.#ids.some((imageId) => sameImage(id, imageId));
  }
}
