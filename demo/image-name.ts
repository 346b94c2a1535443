/** The short form of an image reference for a card: "llama-server:vulkan" for "ghcr.io/acme/llama-server:vulkan". */
const DIGEST_SHOWN = 12;

export function shortImageName(reference: string): string {
  const [name = reference, digest] = reference.split('@');
  const last = name.slice(name.lastIndexOf('/') + 1);
  if (digest === undefined) return last;
  const hex = digest.replace(/^sha256:/, '');
  return `${last}@${hex.slice(0, DIGEST_SHOWN)}…`;
}
