// A web-test-runner plugin: every URL the test's page requests (fetch,
// EventSource, scripts, its iframes' too), as the browser's own protocol
// sees them (Network.requestWillBeSent on a CDP session of its own, which
// gets each event as it happens), from the moment of the first call.
//   executeServerCommand('request-log', { reset: true }) → [] and start afresh
//   executeServerCommand('request-log') → ["http://…", …]
const logs = new WeakMap();

export function requestLogPlugin() {
  return {
    name: 'request-log-command',
    async executeCommand({ command, payload, session }) {
      if (command !== 'request-log') return undefined;
      const page = session.browser.getPage(session.id);
      let urls = logs.get(page);
      if (urls === undefined) {
        urls = [];
        logs.set(page, urls);
        const cdp = await page.createCDPSession();
        cdp.on('Network.requestWillBeSent', (event) => urls.push(event.request.url));
        await cdp.send('Network.enable');
      }
      const found = [...urls];
      if (payload?.reset) urls.length = 0;
      return found;
    },
  };
}
