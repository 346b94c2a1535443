/**
 * Docker Engine API JSON lines: the `POST /images/create` stream of dockerd
 * and podman compat, and podman libpod's `/images/pull` (`stream` text and a
 * closing `{"images":[…],"id":…}`).
 */
import type { ProgressEvent } from '../types.ts';
import { layerStatusEvent, type ProgressDetail } from './layer-status.ts';
import { parsePodmanCliLine } from './podman-cli.ts';

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A count of bytes: a whole number that adds up exactly (a fraction or 1e308 would break the snapshot's integers). */
function byteCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** Reads `progressDetail`, keeping only well-formed numbers (a total of 0 means unknown). */
function progressDetail(value: unknown): ProgressDetail {
  if (!isObject(value)) return {};
  const detail: ProgressDetail = {};
  const current = byteCount(value.current);
  const total = byteCount(value.total);
  if (current !== undefined) detail.current = current;
  if (total !== undefined && total > 0) detail.total = total;
  if (typeof value.units === 'string' && value.units !== '') detail.units = value.units;
  return detail;
}

function errorMessage(message: JsonObject): string | undefined {
  const detail = isObject(message.errorDetail) ? nonEmptyString(message.errorDetail.message) : undefined;
  return detail ?? nonEmptyString(message.error);
}

/**
 * Interprets one JSON line. A line that is not a JSON object, or an object of
 * no known shape, is `unparsed`; this never throws. A libpod `stream` line
 * may hold several text lines, hence an array.
 */
export function parseEngineJsonLine(line: string): ProgressEvent[] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // Not JSON (a proxy's HTML, a truncated line): data to count, not a failure.
    return [{ kind: 'unparsed', line }];
  }
  if (!isObject(value)) return [{ kind: 'unparsed', line }];

  const error = errorMessage(value);
  if (error !== undefined) return [{ kind: 'error', message: error }];

  if (typeof value.stream === 'string') {
    return value.stream
      .split('\n')
      .filter((text) => text.trim() !== '')
      .map(parsePodmanCliLine);
  }

  if (Array.isArray(value.images)) {
    const id = nonEmptyString(value.id) ?? nonEmptyString(value.images[0]);
    if (id !== undefined) return [{ kind: 'image', id }];
  }

  if (typeof value.status === 'string') {
    const id = typeof value.id === 'string' ? value.id : undefined;
    return [layerStatusEvent(value.status, id, progressDetail(value.progressDetail))];
  }

  return [{ kind: 'unparsed', line }];
}
