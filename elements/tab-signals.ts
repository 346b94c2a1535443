/**
 * A pull's "done" outside the page (issue 15, both opt-in on the pull bar):
 * a system notification when a pull ends while the tab is hidden (`notify`),
 * and the progress in the tab's title (`title-progress`), once for the page
 * however many elements show the pull. (Two copies of the bundle on one page
 * keep one each: a rare page, which then may see two notifications.)
 */

/** The jobs whose end was notified (a job ends once: completed or failed). */
const notified = new Set<string | null>();
/** Each `title-progress` bar whose pull runs: its percent, null while not known. */
const running = new Map<object, number | null>();
/** The prefix written before the page's title; '' while none is. */
let written = '';

/**
 * With `notify`, asks for the permission to notify (the browser asks the
 * person only if they have not answered yet): call it only from their press.
 * True: the press goes on.
 */
export function askToNotify(notify: boolean): true {
  if (notify) void self.Notification?.requestPermission();
  return true;
}

/** `text` as a system notification, once per job for the page, and only while the tab is hidden. */
export function notifyEnd(job: string | null, text: string): void {
  if (document.visibilityState !== 'hidden' || self.Notification?.permission !== 'granted' || notified.has(job)) return;
  notified.add(job);
  try {
    const notification = new Notification(text);
    notification.onclick = () => {
      focus(); // the tab, back in front
      notification.close();
    };
  } catch {
    // Where a page may not construct one (Chrome on Android wants a service worker), the end shows on the page only.
  }
}

/**
 * `bar`'s pull in the title: its percent while it runs (null: not known),
 * undefined once it does not. Several pulls show the lowest known percent
 * (the page is done when the last one is), "…" while none is known. The page
 * may set its own title meanwhile: that one comes back, and the prefix is
 * never written twice.
 */
export function showInTitle(bar: object, percent: number | null | undefined): void {
  if (percent === undefined) running.delete(bar);
  else running.set(bar, percent);
  const current = document.title;
  const title = current.startsWith(written) ? current.slice(written.length) : current;
  const lowest = Math.min(...[...running.values()].map((p) => p ?? Infinity));
  written = running.size === 0 ? '' : `${lowest === Infinity ? '…' : `${Math.floor(lowest)}%`} · `;
  if (written + title !== current) document.title = written + title;
}
