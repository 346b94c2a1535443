/**
 * One SSE channel over one or more slots (docs/api.md, Server-Sent Events), as a pull-based web
 * ReadableStream: frames are built only when the reader asks for more, and a
 * slot waiting to be sent is a name in a set, so a slow reader costs the
 * same memory at 1 or 1000 changes a second. A disconnect cancels the
 * stream (Node and Deno both cancel a response body whose client left);
 * cleanup runs exactly once, on cancel, server close or `until=done`.
 */
import type { ContainerSlot } from '../slot.ts';
import type { SlotFeed } from '../registry/slot-feed.ts';
import { sseComment, sseMessage, sseOpening } from './frame.ts';
import type { OpenStream } from './stream-set.ts';

export interface SnapshotStreamOptions {
  slots: readonly ContainerSlot[];
  /** Which slot changed, and its frame. */
  feed: SlotFeed;
  /** Where an open stream registers for the heartbeat and the server's close; returns the way out. */
  streams: { add(stream: OpenStream): () => void };
  /** End after every slot has sent a terminal frame (`?until=done`). */
  untilDone?: boolean;
  /** The last id the client saw; frames continue above it. */
  lastId?: number;
}

// Stateless, so one serves every stream.
const encoder = new TextEncoder();

export function createSnapshotStream(options: SnapshotStreamOptions): ReadableStream<Uint8Array> {
  const { slots, feed, untilDone = false } = options;
  const slotsByName = new Map(slots.map((slot) => [slot.name, slot]));

  // Every slot starts out due: the first frame per slot is its current snapshot.
  const due = new Set(slotsByName.keys());
  const done = new Set<string>();
  let nextId = (options.lastId ?? 0) + 1;
  let opened = false;
  let closed = false;
  let pingDue = false;
  let wake: (() => void) | null = null;
  let controller: ReadableStreamDefaultController<Uint8Array> | null = null;

  const unwatch = feed.watch(slots, (slot) => {
    due.add(slot.name);
    wake?.();
  });
  let leave = (): void => {};
  const cleanup = (): void => {
    if (closed) return;
    closed = true;
    unwatch();
    leave();
    wake?.();
  };
  const end = (): void => {
    if (closed) return;
    cleanup();
    controller?.close();
  };
  leave = options.streams.add({
    ping: () => {
      pingDue = true;
      wake?.();
    },
    end,
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
          if (pingDue) {
            pingDue = false;
            send(sseComment('ping'));
            return;
          }
          if (due.size === 0) {
            await new Promise<void>((resolve) => (wake = resolve));
            wake = null;
            continue;
          }
          // Every slot due now in one chunk: the pulls' frames of one beat reach the page in one write.
          let frames = '';
          for (const name of [...due]) {
            due.delete(name);
            const slot = slotsByName.get(name) as ContainerSlot;
            // A frame is at hand once the slot's state is known: no await, so a thousand readers woken together write sooner.
            const frame = feed.frameNow(slot) ?? (await feed.frame(slot));
            if (closed) return;
            frames += sseMessage(nextId++, frame.data);
            if (untilDone && frame.snapshot.state !== 'pulling') done.add(name);
          }
          send(frames);
          if (untilDone && done.size === slotsByName.size) end();
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
