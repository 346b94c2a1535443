/**
 * Docker's pull status vocabulary, in one place: the JSON stream of
 * `POST /images/create` (dockerd and podman compat) and the docker CLI's text
 * both say `Pulling fs layer`, `Downloading`, `Pull complete`, …
 */
import type { LayerPhase, ProgressEvent } from '../types.ts';

/** `progressDetail` of a Docker JSON message, already validated. */
export interface ProgressDetail {
  current?: number;
  total?: number;
  /** containerd reports extraction in seconds: `"s"`. */
  units?: string;
}

/** Status words that move one layer to a phase, with no numbers. */
const LAYER_WORDS: Readonly<Record<string, LayerPhase>> = {
  'Pulling fs layer': 'waiting',
  Waiting: 'waiting',
  Downloading: 'downloading',
  'Verifying Checksum': 'verifying',
  'Download complete': 'downloaded',
  Extracting: 'extracting',
  'Pull complete': 'complete',
  'Already exists': 'cached',
};

const RETRY = /^Retrying in (\d+) seconds?$/;
const PULLING_FROM = /^Pulling from\s/;
const FINALIZING = /^(?:Digest|Status):\s/;

/**
 * Maps one Docker status (with the message's `id` and `progressDetail`) to a
 * ProgressEvent. `Pulling from …` is resolving (its id is the tag, not a
 * layer); `Digest:`/`Status:` are finalizing; unknown words are notes.
 */
export function layerStatusEvent(
  status: string,
  id: string | undefined,
  detail: ProgressDetail = {},
): ProgressEvent {
  const text = status.trim();
  if (PULLING_FROM.test(text)) return { kind: 'resolving', message: text, reportsExtraction: true };
  if (FINALIZING.test(text)) return { kind: 'finalizing', message: text };
  const layerId = id?.trim();
  if (!layerId) return { kind: 'note', message: text };

  const retry = RETRY.exec(text);
  if (retry) return { kind: 'retry', id: layerId, seconds: Number(retry[1]) };

  const phase = LAYER_WORDS[text];
  if (phase === undefined) return { kind: 'note', message: `${layerId}: ${text}` };
  const event: Extract<ProgressEvent, { kind: 'layer' }> = { kind: 'layer', id: layerId, phase };
  if (phase === 'downloading' || phase === 'extracting') {
    if (detail.current !== undefined) event.current = detail.current;
    if (detail.total !== undefined) event.total = detail.total;
    if (detail.units !== undefined) event.units = detail.units;
  }
  return event;
}
