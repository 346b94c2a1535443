/**
 * One SSE channel over one or more slots (CONTRACT §5), as a pull-based web
 * ReadableStream: a frame is built only when the reader asks for one, and a
 * slot waiting to be sent is a name in a set, so a slow reader costs the
 * same memory at 1 or 1000 changes a second. Cleanup runs exactly once, on
 * cancel, abort or `until=done`.
 */
import type { ContainerSlot } from '../../config/schema.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import type { PullRegistry } from '../registry/pull-registry.ts';
import type { SlotViews } from '../registry/slot-views.ts';
import { sseComment, sseMessage, sseOpening } from './frame.ts';

export const HEARTBEAT_MS = 15_000;

export interface SnapshotStreamOptions {
  slots: readonly ContainerSlot[];
  /** The registry whose jobs a slot follows (one per engine). */
  registryFor: (slot: ContainerSlot) => PullRegistry;
  views: SlotViews;
  clock: Clock;
  /** End after every slot has sent a terminal frame (`?until=done`). */
  untilDone?: boolean;
  /** The last id the client saw; frames continue above it. */
  lastId?: number;
  /** The request's signal: a disconnect ends the stream. */
  signal?: AbortSignal;
  /** Registers a way to end this stream when the server closes; returns the way out. */
  endOnShutdown?: (end: () => void) => () => void;
  heartbeatMs?: number;
}

export function createSnapshotStream(options: SnapshotStreamOptions): ReadableStream<Uint8Array> {
  const { slots, registryFor, views, clock, signal, untilDone = false, heartbeatMs = HEARTBEAT_MS } = options;
  const encoder = new TextEncoder();
  const slotsByName = new Map(slots.map((slot) => [slot.name, slot]));
  // Per registry (engine), the slots that follow each image.
  const watched = new Map<PullRegistry, Map<string, ContainerSlot[]>>();
  for (const slot of slots) {
    const registry = registryFor(slot);
    const byImage = watched.get(registry) ?? new Map<string, ContainerSlot[]>();
    watched.set(registry, byImage.set(slot.image.key, [...(byImage.get(slot.image.key) ?? []), slot]));
  }

  // Every slot starts out due: the first frame per slot is its current snapshot.
  const due = new Set(slotsByName.keys());
  const done = new Set<string>();
  let nextId = (options.lastId ?? 0) + 1;
  let opened = false;
  let closed = false;
  let wake: (() => void) | null = null;
  let heartbeat: TimerHandle | null = null;
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;

  const unwatches = [...watched].map(([registry, byImage]) =>
    registry.watch(byImage.keys(), (imageKey) => {
      for (const slot of byImage.get(imageKey) ?? []) due.add(slot.name);
      wake?.();
    }),
  );

  let forgetShutdown = (): void => {};
  const cleanup = (): void => {
    if (closed) return;
    closed = true;
    for (const unwatch of unwatches) unwatch();
    signal?.removeEventListener('abort', onAbort);
    forgetShutdown();
    if (heartbeat !== null) clock.clearTimeout(heartbeat);
    heartbeat = null;
    wake?.();
  };

  function onAbort(): void {
    cleanup();
    controller?.close();
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  forgetShutdown = options.endOnShutdown?.(onAbort) ?? forgetShutdown;
  if (signal?.aborted) cleanup();

  /** Waits for a change or the heartbeat; true when it is time for a ping. */
  const idle = (): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      wake = () => resolve(false);
      heartbeat = clock.setTimeout(() => resolve(true), heartbeatMs);
    }).finally(() => {
      if (heartbeat !== null) clock.clearTimeout(heartbeat);
      heartbeat = null;
      wake = null;
    });

  const send = (text: string): void => controller?.enqueue(encoder.encode(text));

  return new ReadableStream<Uint8Array>(
    {
      start(streamController) {
        controller = streamController;
        if (closed) streamController.close();
      },
      async pull() {
        if (!opened) {
          opened = true;
          send(sseOpening());
          return;
        }
        while (!closed) {
          const [name] = due;
          if (name === undefined) {
            const ping = await idle();
            if (ping && !closed) {
              send(sseComment('ping'));
              return;
            }
            continue;
          }
          due.delete(name);
          const snapshot = await views.snapshot(slotsByName.get(name) as ContainerSlot);
          if (closed) return;
          send(sseMessage(nextId++, views.serialize(snapshot)));
          if (untilDone && snapshot.state !== 'pulling') {
            done.add(name);
            if (done.size === slotsByName.size) {
              cleanup();
              controller?.close();
            }
          }
          return;
        }
      },
      cancel() {
        cleanup();
      },
    },
    { highWaterMark: 0 },
  );
}
