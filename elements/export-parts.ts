/** `exportparts` values: an inner element's parts, forwarded under its container's prefix. */

/** `exportparts` that forwards `parts` of an inner element as `<prefix>-<part>`. */
export const forward = (prefix: string, parts: string): string =>
  parts
    .split(' ')
    .map((name) => `${name}:${prefix}-${name}`)
    .join(',');

/** The parts of `<slot-image-pull-bar>`. */
export const PULL_BAR_PART_NAMES = 'base label track indicator unpack-indicator meta actions button pull-button retry-button cancel-button request-error';

/** A pull bar inside another element: its parts as `bar-base`, `bar-indicator`, …. */
export const BAR_PARTS = forward('bar', PULL_BAR_PART_NAMES);
