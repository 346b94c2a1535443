/**
 * The layers of one pull, by id in first-seen order, and the bytes received
 * over all of them: what speed is measured on.
 */
import { newLayer, type Layer } from './layer.ts';

export class LayerTable {
  readonly #layers = new Map<string, Layer>();
  #receivedTotal = 0;

  /** Bytes received over all layers and attempts (rises only: a retry's bytes are received again). */
  get receivedTotal(): number {
    return this.#receivedTotal;
  }

  get(id: string): Layer | undefined {
    return this.#layers.get(id);
  }

  /** Every layer, in first-seen order, including those not counted yet. */
  all(): Layer[] {
    return [...this.#layers.values()];
  }

  /** The layers shown and counted: all but a blob that may yet turn out to be podman's config. */
  counted(): Layer[] {
    return this.all().filter((layer) => !layer.mayBeConfigBlob);
  }

  /** Adds a layer first seen now, in phase `waiting`. */
  add(id: string, mayBeConfigBlob: boolean): Layer {
    const layer = newLayer(id, mayBeConfigBlob);
    this.#layers.set(id, layer);
    return layer;
  }

  /** Forgets every layer whose id `matches` (it turned out to be the image, not a layer). */
  drop(matches: (id: string) => boolean): void {
    for (const id of [...this.#layers.keys()]) {
      if (matches(id)) this.#layers.delete(id);
    }
  }

  /** The current attempt's download progress to `bytes`; only a rise counts as received. */
  receive(layer: Layer, bytes: number): void {
    if (bytes <= layer.received) return;
    this.#receivedTotal += bytes - layer.received;
    layer.received = bytes;
  }

  /** The download is done: the rest of a known size has been received. */
  receiveAll(layer: Layer): void {
    if (layer.size !== null) this.receive(layer, layer.size - layer.offset);
  }

  /**
   * `Retrying in N seconds`: the download starts over, from nothing (the one
   * way back). False, and nothing changes, for a layer complete or cached.
   */
  restart(layer: Layer): boolean {
    if (layer.phase === 'complete' || layer.phase === 'cached') return false;
    layer.phase = 'waiting';
    layer.offset = 0;
    layer.received = 0;
    layer.extracted = null;
    layer.pace = null;
    layer.extractStartedAt = null;
    layer.extractReportedAt = null;
    return true;
  }

  /**
   * The engine finished: every layer not cached is complete, and counted. A
   * layer only the manifest listed, which the engine never named, was on disk
   * already (dockerd names no layer of an image it has): cached.
   */
  completeAll(): void {
    for (const layer of this.#layers.values()) {
      // Whatever was not named as the image by now was a real layer.
      layer.mayBeConfigBlob = false;
      if (layer.planned && !layer.named) layer.phase = 'cached';
      if (layer.phase === 'cached') continue;
      layer.phase = 'complete';
      if (layer.size !== null) {
        layer.received = Math.max(0, layer.size - layer.offset);
        layer.extracted = layer.size;
      }
    }
  }
}
