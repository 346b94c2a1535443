// A web-test-runner plugin: every URL the test's page requests (fetch,
// EventSource, scripts, its iframes' too), as the browser's own protocol
// sees them (Network.requestWillBeSent on a CDP session of its own), from
// the moment of the first call. The protocol's events can trail the page
// by a moment on a loaded machine: `until` waits (event-driven, up to
// `ms`) until as many logged URLs as `count` end with it.
//   executeServerCommand('request-log', { reset: true }) → [] and start afresh
//   executeServerCommand('request-log', { until: '/api/slots/chat/pull', count: 2 }) → ["http://…", …]
const logs = new WeakMap();
const UNTIL_MS = 10_000;

export function requestLogPlugin() {
  return {
    name: 'request-log-command',
    async executeCommand({ command, payload, session }) {
      if (command !== 'request-log') return undefined;
      const page = session.browser.getPage(session.id);
      let log = logs.get(page);
      if (log === undefined) {
        log = { urls: [], changed: new Set() };
        logs.set(page, log);
        const cdp = await page.createCDPSession();
        cdp.on('Network.requestWillBeSent', (event) => {
          log.urls.push(event.request.url);
          for (const notify of [...log.changed]) notify();
        });
        await cdp.send('Network.enable');
      }
      if (payload?.until !== undefined) await arrived(log, payload.until, payload.count ?? 1, payload.ms ?? UNTIL_MS);
      const found = [...log.urls];
      if (payload?.reset) log.urls.length = 0;
      return found;
    },
  };
}

/** Resolves once `count` logged URLs end with `suffix`, or after `ms` (the test's own check then says what is missing). */
function arrived(log, suffix, count, ms) {
  return new Promise((resolve) => {
    const check = () => {
      if (log.urls.filter((url) => url.endsWith(suffix)).length < count) return;
      finish();
    };
    const timer = setTimeout(() => finish(), ms);
    const finish = () => {
      clearTimeout(timer);
      log.changed.delete(check);
      resolve();
    };
    log.changed.add(check);
    check();
  });
}
