// A synthetic ContainerRuntime for the fan-out benchmark, like
// tests/helpers/scripted-runtime.ts (which Node 20 cannot import): a pull
// emits Docker-API `Downloading` lines for one layer at a fixed rate, and each
// line carries its own emit time as its byte count, so that any frame or
// status answer says which event it reflects and when that event happened:
//
//   progressDetail.current = CLOCK_MONOTONIC in µs at the moment of the push
//
// The snapshot's `bytes_done` is then that timestamp (one layer, no offset),
// readable by a client in another process (same clock, see monoUs()).
// With `layerBytes` (the elements bench), event k reports k/maxEvents of a
// layer that large instead, so that the percent climbs steadily.
import { monoUs, server } from './common.mjs';

const { PushQueue } = await server('core/push-queue.js');

const LAYER = 'synthetic0001';
/** A size larger than any timestamp, so bytes never reach the total. */
const TOTAL = 2 ** 52;

export class SyntheticRuntime {
  name = 'docker';
  /** Emit times (µs) of the current pull's progress events, in order. */
  emits = [];

  /**
   * @param {{ eventsPerSecond: number, maxEvents: number, layerBytes?: number }} options
   *   maxEvents bounds every pull: it ends by itself after that many events.
   */
  constructor({ eventsPerSecond, maxEvents, layerBytes }) {
    this.intervalMs = 1000 / eventsPerSecond;
    this.maxEvents = maxEvents;
    this.layerBytes = layerBytes;
  }

  /** The byte count of event `k` (0-based), emitted at `now` (µs). */
  #detail(k, now) {
    if (this.layerBytes === undefined) return { current: now, total: TOTAL };
    return { current: Math.round((this.layerBytes * (k + 1)) / this.maxEvents), total: this.layerBytes };
  }

  async inspectImage() {
    return 'missing';
  }

  async containerStates(names) {
    return new Map(names.map((name) => [name, { status: 'absent', error: null }]));
  }

  pullImage(_image, signal) {
    const emits = (this.emits = []);
    let timer;
    const stop = () => clearTimeout(timer);
    const chunks = new PushQueue({ onReturn: stop });
    const end = () => {
      stop();
      chunks.end();
    };
    signal.addEventListener('abort', end, { once: true });
    chunks.push(`${JSON.stringify({ status: 'Pulling fs layer', progressDetail: {}, id: LAYER })}\n`);
    // Self-correcting schedule: event k is due at start + k × interval, whatever the previous one's delay.
    const start = performance.now();
    let k = 0;
    const tick = () => {
      const current = monoUs();
      emits.push(current);
      chunks.push(`${JSON.stringify({ status: 'Downloading', progressDetail: this.#detail(k, current), progress: '[>  ]', id: LAYER })}\n`);
      k += 1;
      if (k >= this.maxEvents) return end();
      timer = setTimeout(tick, Math.max(0, start + k * this.intervalMs - performance.now()));
    };
    timer = setTimeout(tick, this.intervalMs);
    return { format: 'engine-json', chunks };
  }
}
