/**
 * `docker pull` text without a terminal: one `<id>: <status>` line per change
 * (progress bars are not printed), then `Digest:`, `Status:` and the
 * reference. The status words are Docker's: see layer-status.ts.
 */
import type { ProgressEvent } from '../types.ts';
import { layerStatusEvent } from './layer-status.ts';

const DAEMON_ERROR = /^Error response from daemon:\s*(.*)$/;
const ERROR = /^Error:\s*(.*)$/;
const ERROR_WORD = /^error\b/i;
const FINALIZING = /^(?:Digest|Status):\s/;
const DEFAULT_TAG = /^Using default tag:\s/;
const ID_STATUS = /^([^\s:]+):\s+(.+)$/;
/** The final line: `docker.io/library/alpine:latest`, `127.0.0.1:5000/feas/multi:1`. */
const REFERENCE = /^[\w.-]+(?::\d+)?(?:\/[\w.-]+)+(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/;

/** Interprets one line of docker CLI output. Never throws. */
export function parseDockerCliLine(line: string): ProgressEvent {
  const text = line.trim();

  const daemon = DAEMON_ERROR.exec(text);
  if (daemon) return { kind: 'error', message: daemon[1] || text };
  const error = ERROR.exec(text);
  if (error) return { kind: 'error', message: error[1] || text };
  if (ERROR_WORD.test(text)) return { kind: 'error', message: text };

  if (FINALIZING.test(text)) return layerStatusEvent(text, undefined);
  if (DEFAULT_TAG.test(text)) return { kind: 'note', message: text };

  const idStatus = ID_STATUS.exec(text);
  if (idStatus) return layerStatusEvent(idStatus[2]!, idStatus[1]!);

  if (REFERENCE.test(text)) return { kind: 'finalizing', message: text };
  return { kind: 'unparsed', line };
}
