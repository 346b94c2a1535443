/**
 * The widths of the pull bars' tracks, kept by one ResizeObserver for the
 * page. A bar decides on each frame whether its fill moved by a pixel; read
 * from `offsetWidth`, that width would lay the page out again on every frame
 * (the words under the bars have just changed), where the observer hands it
 * over once per resize.
 */

const widths = new WeakMap<Element, number>();
let observer: ResizeObserver | undefined;

/** Keeps `element`'s width from its next layout on. */
export function watchWidth(element: Element): void {
  observer ??= new ResizeObserver((entries) => {
    for (const entry of entries) widths.set(entry.target, entry.contentRect.width);
  });
  observer.observe(element);
}

/** Stops keeping `element`'s width (it left the page, or its bar drew a new one). */
export function unwatchWidth(element: Element): void {
  observer?.unobserve(element);
  widths.delete(element);
}

/** `element`'s width in CSS pixels at its last layout; undefined until the observer has seen it. */
export function widthOf(element: Element): number | undefined {
  return widths.get(element);
}
