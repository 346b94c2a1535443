/**
 * `podman pull` text (stderr and stdout), also the `stream` text of podman's
 * libpod `/images/pull`. Without a terminal podman prints no byte counts.
 */
import type { ProgressEvent } from '../types.ts';

/** Docker-style short layer id: the first 12 hex digits of the digest. */
const SHORT_ID_LENGTH = 12;

const ERROR = /^Error:\s*(.*)$/;
const ERROR_WORD = /^Error\b/;
const RESOLVING = /^(?:Trying to pull\b|Getting image source signatures\b|Resolved ".*" as an alias\b)/;
const BLOB = /^Copying blob (?:sha256:)?([0-9a-f]{12,64})\b\s*(.*)$/;
const FINALIZING = /^(?:Copying config\b|Writing manifest\b|Storing signatures\b)/;
const IMAGE_ID = /^(?:sha256:)?([0-9a-f]{64})$/;
const LOG_LINE = /^(?:(?:WARN|INFO|DEBU|ERRO)\[\d+\]|time=")/;

/** Interprets one line of podman CLI output. Never throws. */
export function parsePodmanCliLine(line: string): ProgressEvent {
  const text = line.trim();

  const error = ERROR.exec(text);
  if (error) return { kind: 'error', message: error[1] || text };
  if (ERROR_WORD.test(text)) return { kind: 'error', message: text };

  if (RESOLVING.test(text)) return { kind: 'resolving', message: text };

  const blob = BLOB.exec(text);
  if (blob) {
    const id = blob[1]!.slice(0, SHORT_ID_LENGTH);
    const rest = blob[2] ?? '';
    if (/\bskipped\b/.test(rest)) return { kind: 'layer', id, phase: 'cached' };
    if (/^done\b/.test(rest)) return { kind: 'layer', id, phase: 'downloaded' };
    // Bare, or a terminal progress bar we do not read bytes from: in flight.
    return { kind: 'layer', id, phase: 'waiting' };
  }

  if (FINALIZING.test(text)) return { kind: 'finalizing', message: text };

  const image = IMAGE_ID.exec(text);
  if (image) return { kind: 'image', id: image[1]! };

  if (LOG_LINE.test(text)) return { kind: 'note', message: text };
  return { kind: 'unparsed', line };
}
