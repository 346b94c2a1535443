/**
 * How much each layer weighs in a share of the image (downloaded,
 * extracted): its size, or, while the engine has not said it, the mean of
 * the known sizes (1 each when none is known), so that layers announced late
 * neither run a share ahead nor freeze it.
 */
export function layerWeights(sizes: readonly (number | null)[]): number[] {
  const known = sizes.filter((size) => size !== null);
  const mean = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  return sizes.map((size) => size ?? mean);
}
