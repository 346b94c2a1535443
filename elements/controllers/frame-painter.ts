/**
 * Draws with one requestAnimationFrame callback for the whole page. Every
 * pull bar's fill moves with every frame of its pull (5 a second); drawing
 * them all in one callback, just before the browser paints, writes each fill
 * at most once per painted frame, with no element update (only-moved.ts).
 * In two passes: every paint first reads the layout it needs, then every
 * write runs — a read after another bar's write would lay the page out
 * again, once per bar.
 */

/** Reads what it needs (layout), and returns what to write, if anything. */
export type Paint = () => (() => void) | undefined;

const due = new Set<Paint>();
let frame = 0;

/** Runs `paint` before the next frame is painted (once, however often it is asked before then). */
export function paintNextFrame(paint: Paint): void {
  if (due.size === 0) frame = requestAnimationFrame(paintAll);
  due.add(paint);
}

/** Forgets `paint` (its element left the page); the frame is not asked for when nothing is left. */
export function cancelPaint(paint: Paint): void {
  if (due.delete(paint) && due.size === 0) cancelAnimationFrame(frame);
}

function paintAll(): void {
  const paints = [...due];
  due.clear();
  for (const write of paints.map((paint) => paint())) write?.();
}
