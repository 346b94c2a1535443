/**
 * Why a manifest could not be read, in words for the log. Thrown inside the
 * reader only: `readImageLayers` turns every failure into a reason.
 */
export class ManifestProblem extends Error {
  override readonly name = 'ManifestProblem';
}

/** Longest piece of a registry's own words quoted in a reason. */
const MAX_QUOTE_LENGTH = 200;

/** Text from the network, safe for one log line: control characters (forged lines) become spaces; clipped. */
export function quote(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return line.length > MAX_QUOTE_LENGTH ? `${line.slice(0, MAX_QUOTE_LENGTH)}…` : line;
}
