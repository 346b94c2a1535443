/**
 * Reading a registry's answers within bounds: a body is read up to a cap and
 * refused beyond it, an error answer is summarised from the registry's own
 * `{"errors":[{"code","message"}]}`, and a transport failure is named by its
 * cause. Every text here is quoted for one log line.
 */
import { ManifestProblem, quote } from './problem.ts';

/** How much of an error answer is read for its message. */
const MAX_ERROR_BYTES = 16 * 1024;

/** The whole body, or a {@link ManifestProblem} naming `what` when it is larger than `maxBytes`. */
export async function readCapped(response: Response, maxBytes: number, what: string): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new ManifestProblem(`${what} is larger than ${maxBytes} bytes`);
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let length = 0;
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      length += next.value.byteLength;
      if (length > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(next.value);
    }
  }
  const bytes = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** `404 (MANIFEST_UNKNOWN: manifest unknown)`: the status and the registry's first error, when it gave one. */
export async function statusDetail(response: Response): Promise<string> {
  let text = '';
  try {
    text = new TextDecoder().decode(await readCapped(response, MAX_ERROR_BYTES, 'the error answer'));
  } catch {
    // An error answer too large or cut short still has its status.
  }
  let detail = text;
  try {
    const first = (JSON.parse(text) as { errors?: { code?: unknown; message?: unknown }[] }).errors?.[0];
    if (first !== undefined) detail = [first.code, first.message].filter((part) => typeof part === 'string' && part !== '').join(': ');
  } catch {
    // Not JSON: the text itself, quoted.
  }
  const words = quote(detail);
  return words === '' ? String(response.status) : `${response.status} (${words})`;
}

/** Node's `fetch failed` hides the reason in `cause` (`connect ECONNREFUSED …`); Deno says it in the message. */
export function transportFailure(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
  return quote(typeof cause === 'string' && cause !== '' ? cause : error instanceof Error ? error.message : String(error));
}
