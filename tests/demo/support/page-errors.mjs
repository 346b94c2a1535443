// A web-test-runner plugin for the demo tests: collects the console errors
// and uncaught exceptions of a test's page — its iframes included, where the
// dashboard runs — through the browser's own protocol (puppeteer), which
// sees them from the first byte, before any script of the page could hook in.
//   executeServerCommand('page-errors', { reset: true }) → [] and start afresh
//   executeServerCommand('page-errors') → ["console: …", "exception: …"]
const watched = new WeakMap();

export function pageErrorsPlugin() {
  return {
    name: 'page-errors-command',
    async executeCommand({ command, payload, session }) {
      if (command !== 'page-errors') return undefined;
      const page = session.browser.getPage(session.id);
      let errors = watched.get(page);
      if (errors === undefined) {
        errors = [];
        watched.set(page, errors);
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(`console: ${message.text()} (${message.location()?.url ?? 'unknown'})`);
        });
        page.on('pageerror', (error) => errors.push(`exception: ${error?.message ?? error}`));
      }
      const found = [...errors];
      if (payload?.reset) errors.length = 0;
      return found;
    },
  };
}
